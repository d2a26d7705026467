import type { App } from "../../http/types.js";
import type { WebDeps } from "../plugin.js";

/** TODO(issue 6): the audit-log pages. */
export function registerAuditLogPages(_app: App, _deps: WebDeps): void {}
