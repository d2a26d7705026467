import { canExport } from "../domain/roles.js";
import type { WebSession } from "../services/web-session.service.js";
import { ASSETS } from "./assets/index.js";
import { html, type SafeHtml } from "./html.js";

/**
 * The settings pages, in navigation order. All are for owners and admins
 * (docs/EXPORTS.md#links-and-downloads).
 */
export const NAV = [
  { key: "backup", href: "/settings/data-backup", label: "Data Backup" },
  { key: "export", href: "/settings/data-export", label: "Data Export" },
  { key: "snapshots", href: "/settings/snapshots", label: "Snapshots" },
  { key: "tokens", href: "/settings/api-tokens", label: "API tokens" },
  { key: "audit", href: "/settings/audit-log", label: "Audit log" },
] as const;

export type NavKey = (typeof NAV)[number]["key"];

export interface PageOptions {
  title: string;
  session?: WebSession | null;
  active?: NavKey;
  body: SafeHtml;
  /**
   * When JavaScript is off and an export is running, reload this path every few seconds (the
   * page's own path, so a one-time `?done=` notice is not shown again).
   */
  refreshWithoutJs?: string | false;
}

/**
 * The page shell: a skip link, the header with the account and the signed-in user, the
 * settings navigation (owners and admins only), and `<main>`. Every page is readable on a
 * phone (`viewport`, one column) and usable with a keyboard (skip link, visible focus, real
 * links and buttons). No third-party resource is loaded (docs/EXPORTS.md#links-and-downloads).
 */
export function page(opts: PageOptions): string {
  const s = opts.session;
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title} · Hirevault</title>
<link rel="stylesheet" href="${ASSETS.css.path}">
<script src="${ASSETS.js.path}" defer></script>
${opts.refreshWithoutJs ? html`<noscript><meta http-equiv="refresh" content="5; url=${opts.refreshWithoutJs}"></noscript>` : ""}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/">Hirevault</a>
  ${
    s
      ? html`<div class="who">
    <span><span class="muted-inverse">Account</span> <strong>${s.accountName}</strong></span>
    <span>${s.userName} (${s.role})</span>
    <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${s.csrfToken}"><button type="submit">Sign out</button></form>
  </div>`
      : ""
  }
</header>
${s && canExport(s.role) ? nav(opts.active) : ""}
<main id="main" tabindex="-1">
${opts.body}
</main>
</body>
</html>
`;
  return doc.value;
}

function nav(active: NavKey | undefined): SafeHtml {
  return html`<nav class="tabs" aria-label="Settings"><ul>${NAV.map(
    (item) =>
      html`<li><a href="${item.href}"${item.key === active ? html` aria-current="page"` : ""}>${item.label}</a></li>`,
  )}</ul></nav>`;
}

/** A notice box; `role=status` so screen readers announce it after a redirect. */
export function notice(kind: "ok" | "warn" | "error", body: SafeHtml | string): SafeHtml {
  return html`<div class="notice ${kind}" role="${kind === "error" ? "alert" : "status"}">${body}</div>`;
}
