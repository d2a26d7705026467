/**
 * First and last id of a batch. As a batch is a run of consecutive ids of the account's table,
 * "account_id = ? and id between first and last" is exactly the batch: child queries are driven
 * from that range rather than `child.parent_id in (…1,000 ids)`, for which SQLite's planner
 * (without ANALYZE statistics) prefers the child's `(account_id, …)` index and reads the whole
 * account's rows for every batch.
 */
export interface Span {
  first: string;
  last: string;
}
