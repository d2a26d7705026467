/**
 * `Users.csv`: the team, one row per user. The password hash never leaves the server, and API
 * tokens are not listed (their hashes are secret and the tokens mean nothing outside the account).
 */
import { STAMP_COLUMNS, selectRows } from "./data-table.js";

// Listed column by column: password_hash (secret) must never be selected.
const users = selectRows("users", [
  "name",
  "email",
  "role",
  "status",
  "last_login_at",
  "created_at",
  "updated_at",
]);

/** `Users.csv` of the Data Files zip. */
export const usersTable = users.asCsv({
  file: "Users.csv",
  rowsOf: "users",
  description: "Team members: name, e-mail, role, status and last login.",
  columns: [
    { header: "User ID", cell: (u) => u.id },
    { header: "Name", cell: (u) => u.name },
    { header: "Email", cell: (u) => u.email },
    { header: "Role", cell: (u) => u.role },
    { header: "Status", cell: (u) => u.status },
    { header: "Last Login At", cell: (u) => u.last_login_at },
    ...STAMP_COLUMNS,
  ],
});
