import type { ROLES } from "../db/schema/index.js";

export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, recruiter: 1, admin: 2, owner: 3 };

/** Whether `role` is at least `required` (owner > admin > recruiter > viewer). */
export function hasRole(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/**
 * Only owners and admins export or manage access (docs/EXPORTS.md#links-and-downloads,
 * docs/EXPORTS.md#who-may-do-what).
 */
export function canExport(role: Role): boolean {
  return hasRole(role, "admin");
}
