import type { App } from "../../http/types.js";
import type { WebDeps } from "../plugin.js";

/** TODO(issue 6): the data-backup pages. */
export function registerDataBackupPages(_app: App, _deps: WebDeps): void {}
