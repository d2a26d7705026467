import type { App } from "../../http/types.js";
import type { WebDeps } from "../plugin.js";

/** TODO(issue 6): the api-tokens pages. */
export function registerApiTokenPages(_app: App, _deps: WebDeps): void {}
