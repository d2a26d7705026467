/** Byte order of ids (SQLite's text order; PostgreSQL's for UUID text), independent of locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
