import type { App } from "../../http/types.js";
import type { WebDeps } from "../plugin.js";

/** TODO(issue 6): the snapshots pages. */
export function registerSnapshotPages(_app: App, _deps: WebDeps): void {}
