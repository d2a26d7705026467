import { base, ref, stamps, text, timestamp } from "./columns.js";
import type { TableSpec } from "./table-spec.js";

/**
 * Sign-in sessions of the admin web pages (docs/WEB.md). The cookie carries a random 256-bit token;
 * only its SHA-256 is stored (like API tokens), so a leaked database signs nobody in. Each
 * session has its own CSRF token (OWASP synchronizer-token pattern), an idle and an absolute
 * expiry. Deleting a user deletes their sessions; disabling a user or changing their role takes
 * effect on the next request, because every request re-reads the user.
 */
export const webTables = {
  web_sessions: {
    entity: "web_session",
    columns: {
      ...base,
      user_id: ref("users", "cascade"),
      token_hash: text({ secret: true, readonly: true }),
      csrf_token: text({ secret: true, readonly: true }),
      ip: text({ nullable: true, readonly: true, description: "address the session signed in from" }),
      user_agent: text({ nullable: true, readonly: true }),
      last_seen_at: timestamp({ readonly: true, description: "idle expiry counts from here" }),
      expires_at: timestamp({ readonly: true, description: "absolute expiry, whatever the activity" }),
      ...stamps,
    },
    unique: [["token_hash"]],
    indexes: [["expires_at"]],
    export: {
      excluded:
        "live sign-in sessions of team members (hashed secrets, addresses): not recruiting data; a restored account signs in anew",
    },
  },
} as const satisfies Record<string, TableSpec>;
