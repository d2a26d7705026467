import type { App } from "../../http/types.js";
import type { WebDeps } from "../plugin.js";

/** TODO(issue 6): the data-export pages. */
export function registerDataExportPages(_app: App, _deps: WebDeps): void {}
