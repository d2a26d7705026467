import type { Role } from "../domain/roles.js";

/** Who is acting, for authorization and the audit log (never the token itself). */
export interface Actor {
  type: "user" | "api_token" | "system";
  id: string | null;
  role: Role;
}

/** Everything a write needs besides its input: the tenant, the actor, where it came from. */
export interface WriteContext {
  accountId: string;
  actor: Actor;
  ip?: string | undefined;
}

/** The system actor (seed, CLI support commands, scheduled tasks). */
export const SYSTEM_ACTOR: Actor = { type: "system", id: null, role: "owner" };
