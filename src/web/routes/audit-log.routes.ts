import type { FastifyRequest } from "fastify";
import { isUuid } from "../../domain/ids.js";
import type { App } from "../../http/types.js";
import { page } from "../layout.js";
import { AUDIT_FILTERS, type AuditFilterKey, type AuditRow, auditLogPage } from "../pages/audit-log.page.js";
import { sendPage } from "../respond.js";
import { sessionOf } from "../web-context.js";
import { sendErrorPage } from "../web-errors.js";
import type { WebDeps } from "../web-types.js";

const PATH = "/settings/audit-log";
const PAGE_SIZE = 50;

/**
 * Settings › Audit log: an audit view of exports, downloads, backups, tokens and sign-ins
 * (docs/EXPORTS.md#links-and-downloads), newest first, 50 at a time. Always the session's account
 * only (tenant isolation); the "Older" cursor is the id of the last row shown (UUIDv7: id order is
 * time order).
 */
export function registerAuditLogPages(app: App, deps: WebDeps): void {
  app.get(PATH, { config: { web: "admin" } }, async (request, reply) => {
    const s = sessionOf(request);
    const query = readQuery(request);
    if ("error" in query) return sendErrorPage(request, reply, 400, "Bad request", query.error);
    const rows = await listEntries(deps, s.accountId, query.filter, query.before);
    const hasOlder = rows.length > PAGE_SIZE;
    const shown = rows.slice(0, PAGE_SIZE);
    const body = auditLogPage({
      timeZone: s.timeZone,
      filter: query.filter,
      rows: shown,
      olderCursor: hasOlder ? shown[shown.length - 1]!.id : null,
      paged: query.before !== null,
    });
    return sendPage(reply, page({ title: "Audit log", session: s, active: "audit", body }));
  });
}

type Query = { filter: AuditFilterKey; before: string | null } | { error: string };

/** `?filter=` (a known key) and `?before=` (a UUID); anything else is a 400 page, not a 500. */
function readQuery(request: FastifyRequest): Query {
  const q = request.query as Record<string, unknown>;
  const filter = q.filter ?? "all";
  const known = AUDIT_FILTERS.find((f) => f.key === filter);
  if (!known)
    return { error: "The filter of this address is not one the audit log knows. Choose one from the list." };
  const before = q.before ?? "";
  if (typeof before !== "string" || (before !== "" && !isUuid(before))) {
    return {
      error:
        "The page address is not valid (its position in the log is malformed). Start again from the newest entries.",
    };
  }
  return { filter: known.key, before: before === "" ? null : before };
}

/** One page (plus one row, to know whether there are older ones) of the account's entries. */
async function listEntries(
  deps: WebDeps,
  accountId: string,
  filter: AuditFilterKey,
  before: string | null,
): Promise<AuditRow[]> {
  const prefixes = AUDIT_FILTERS.find((f) => f.key === filter)!.prefixes;
  return deps.audit.list(accountId, { prefixes, beforeId: before, limit: PAGE_SIZE + 1 });
}
