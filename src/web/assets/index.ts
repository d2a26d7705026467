import crypto from "node:crypto";
import { APP_CSS } from "./app-css.js";
import { APP_JS } from "./app-js.js";

export interface Asset {
  /** URL with a content hash, so it can be cached for a year and never go stale. */
  path: string;
  body: string;
  contentType: string;
}

function asset(name: string, ext: string, body: string, contentType: string): Asset {
  const hash = crypto.createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, body, contentType };
}

/** The static files of the web pages, by role. */
export const ASSETS = {
  css: asset("app", "css", APP_CSS, "text/css; charset=utf-8"),
  js: asset("app", "js", APP_JS, "text/javascript; charset=utf-8"),
} as const;
