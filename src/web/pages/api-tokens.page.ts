import type { Role } from "../../domain/roles.js";
import { timeTag } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { notice } from "../layout.js";

/** The expiry choices of the create form: a key, its label and its length in days (`null`: never). */
export const EXPIRY_CHOICES = [
  { key: "never", label: "Never", days: null },
  { key: "30d", label: "30 days", days: 30 },
  { key: "90d", label: "90 days", days: 90 },
  { key: "1y", label: "1 year", days: 365 },
] as const;

export type ExpiryKey = (typeof EXPIRY_CHOICES)[number]["key"];

/** Tokens expire by default: a forgotten token should not work forever. */
export const DEFAULT_EXPIRY: ExpiryKey = "90d";

/** One token as listed: never its hash, only the clear prefix that tells tokens apart. */
export interface TokenListItem {
  id: string;
  name: string;
  role: Role;
  tokenPrefix: string;
  userName: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  state: "active" | "revoked" | "expired";
}

/** The fields of the create form that can be wrong, named as in the form. */
export type TokenField = "name" | "role" | "expires";

/** What the create form shows again after a refused submission (sticky values, one error per field). */
export interface TokenFormState {
  name: string;
  role: Role;
  expires: ExpiryKey;
  errors: Partial<Record<TokenField, string>>;
}

export interface ApiTokensPageOptions {
  csrf: string;
  timeZone: string;
  /** Roles the signed-in user may give a token: their own and below (no privilege escalation). */
  roles: readonly Role[];
  tokens: TokenListItem[];
  form: TokenFormState;
  /** The clear token just created: shown on this response only, never stored or shown again. */
  created?: { name: string; token: string } | undefined;
  done?: string | undefined;
}

const DONE: Record<string, string> = {
  revoked: "The token is revoked. Programs using it can no longer reach the API.",
};

const FIELD_LABELS: Record<TokenField, string> = { name: "Name", role: "Role", expires: "Expires" };

/** Settings › API tokens: the account's tokens, the create form, and a new token shown once. */
export function apiTokensPage(o: ApiTokensPageOptions): SafeHtml {
  const errors = Object.entries(o.form.errors) as [TokenField, string][];
  return html`<h1>API tokens</h1>
<p class="lead">API tokens let programs read and export this account's data through the API (<code>Authorization: Bearer …</code>). A token acts for the person who created it and never has more rights than they do.</p>
${o.done && DONE[o.done] ? notice("ok", DONE[o.done]!) : ""}
${errors.length ? notice("error", html`The token was not created. ${errors.map(([f, m]) => html`${FIELD_LABELS[f]}: ${m}. `)}`) : ""}
${o.created ? createdCard(o.created) : ""}
<section class="card" aria-labelledby="tokens-h">
<h2 id="tokens-h">Tokens</h2>
${o.tokens.length ? tokenTable(o.tokens, o.timeZone, o.csrf) : html`<p class="muted">No tokens yet.</p>`}
</section>
${createForm(o)}`;
}

function createdCard(created: { name: string; token: string }): SafeHtml {
  return html`<section class="card" aria-labelledby="new-token-h">
<h2 id="new-token-h">New token “${created.name}”</h2>
${notice("warn", "Copy the token now and keep it somewhere safe: it will not be shown again.")}
<output class="secret" id="new-token" aria-label="The new token">${created.token}</output>
<div class="actions"><button type="button" class="secondary" data-copy="new-token" hidden>Copy token</button></div>
</section>`;
}

function tokenTable(tokens: TokenListItem[], tz: string, csrf: string): SafeHtml {
  return html`<table class="stack"><thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Token</th><th scope="col">Acts for</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead><tbody>
${tokens.map(
  (t) =>
    html`<tr><td data-label="Name">${t.name}</td><td data-label="Role">${t.role}</td><td data-label="Token"><code>${t.tokenPrefix}…</code></td><td data-label="Acts for">${t.userName ?? html`<span class="muted">—</span>`}</td><td data-label="Created">${timeTag(t.createdAt, tz)}</td><td data-label="Last used">${t.lastUsedAt ? timeTag(t.lastUsedAt, tz) : html`<span class="muted">Never</span>`}</td><td data-label="Expires">${t.expiresAt ? timeTag(t.expiresAt, tz) : html`<span class="muted">Never</span>`}</td><td data-label="State">${stateBadge(t.state)}</td><td data-label="Actions">${t.state === "active" ? revokeForm(t, csrf) : html`<span class="muted">—</span>`}</td></tr>`,
)}
</tbody></table>`;
}

function stateBadge(state: TokenListItem["state"]): SafeHtml {
  const css = state === "active" ? "state-succeeded" : `state-${state}`;
  const label = state === "active" ? "Active" : state === "revoked" ? "Revoked" : "Expired";
  return html`<span class="state ${css}">${label}</span>`;
}

function revokeForm(t: TokenListItem, csrf: string): SafeHtml {
  return html`<form method="post" action="/settings/api-tokens/${t.id}/revoke" class="inline" data-confirm="Revoke the token “${t.name}”? Programs using it stop working at once.">
<input type="hidden" name="_csrf" value="${csrf}">
<button type="submit" class="danger" aria-label="Revoke the token ${t.name}">Revoke</button>
</form>`;
}

function createForm(o: ApiTokensPageOptions): SafeHtml {
  const f = o.form;
  return html`<section class="card" aria-labelledby="create-h">
<h2 id="create-h">Create a token</h2>
<form method="post" action="/settings/api-tokens" novalidate>
  <input type="hidden" name="_csrf" value="${o.csrf}">
  <label for="token-name">Name</label>
  <input type="text" id="token-name" name="name" value="${f.name}" maxlength="200" required autocomplete="off"${fieldAria("name", f)}>
  ${fieldError("name", f)}
  <label for="token-role">Role</label>
  <select id="token-role" name="role"${fieldAria("role", f)}>
    ${o.roles.map((r) => html`<option value="${r}"${r === f.role ? html` selected` : ""}>${r}</option>`)}
  </select>
  ${fieldError("role", f)}
  <label for="token-expires">Expires after</label>
  <select id="token-expires" name="expires"${fieldAria("expires", f)}>
    ${EXPIRY_CHOICES.map((c) => html`<option value="${c.key}"${c.key === f.expires ? html` selected` : ""}>${c.label}</option>`)}
  </select>
  ${fieldError("expires", f)}
  <p class="muted">The token acts for you: if your role is lowered or your account disabled, the token follows.</p>
  <div class="actions"><button type="submit">Create token</button></div>
</form>
</section>`;
}

function fieldAria(field: TokenField, f: TokenFormState): SafeHtml | string {
  return f.errors[field] ? html` aria-invalid="true" aria-describedby="${field}-error"` : "";
}

function fieldError(field: TokenField, f: TokenFormState): SafeHtml | string {
  const message = f.errors[field];
  return message
    ? html`<p class="field-error" id="${field}-error">${FIELD_LABELS[field]}: ${message}</p>`
    : "";
}
