/**
 * `Users.csv`: the team, one row per user. The password hash never leaves the server, and API
 * tokens are not listed (their hashes are secret and the tokens mean nothing outside the account).
 */
import type { CsvTable } from "./csv-table.js";
import { keysetRows } from "./keyset.js";

const HEADER = ["User ID", "Name", "Email", "Role", "Status", "Last Login At", "Created At", "Updated At"];

/** `Users.csv` of the Data Files zip. */
export const usersTable: CsvTable = {
  file: "Users.csv",
  rowsOf: "users",
  description: "Team members: name, e-mail, role, status and last login.",
  async open(source) {
    const { db, accountId } = source;
    const rows = keysetRows(
      source,
      (after, limit) =>
        db
          .selectFrom("users")
          // Listed column by column: password_hash (secret) must never be selected.
          .select(["id", "name", "email", "role", "status", "last_login_at", "created_at", "updated_at"])
          .where("account_id", "=", accountId)
          .where("id", ">", after)
          .orderBy("id")
          .limit(limit)
          .execute(),
      async (batch) =>
        batch.map((u) => [
          u.id,
          u.name,
          u.email,
          u.role,
          u.status,
          u.last_login_at,
          u.created_at,
          u.updated_at,
        ]),
    );
    return { header: [...HEADER], rows };
  },
};
