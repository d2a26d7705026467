/**
 * The rows of `accountId` among `rows`. Export queries that look rows up by primary or foreign key
 * (children of a batch of persons, names of records) leave the tenant out of their SQL on purpose:
 * given `account_id = ?` too, a planner without statistics (PostgreSQL before its first ANALYZE —
 * autovacuum off, or right after an import; SQLite, which has none unless ANALYZE runs) intersects
 * with the `(account_id, …)` index, i.e. reads the whole account's rows for every lookup: measured
 * 3.3 s for one batch's e-mails of a 100,000-candidate account, against 2 ms by key alone. The key
 * index alone is exact; the tenant is then checked here, so a row of another account is never used.
 */
export function ownRows<R extends { account_id: string }>(rows: readonly R[], accountId: string): R[] {
  return rows.filter((r) => r.account_id === accountId);
}
