import { html, type SafeHtml } from "../html.js";
import { notice } from "../layout.js";

export interface LoginView {
  csrf: string;
  next: string;
  account?: string;
  email?: string;
  error?: string;
  signedOut?: boolean;
}

/** The sign-in form: account, email, password (autocomplete hints so password managers help). */
export function loginPage(v: LoginView): SafeHtml {
  return html`<div class="login">
<h1>Sign in to Hirevault</h1>
${v.signedOut ? notice("ok", "You are signed out.") : ""}
${v.error ? notice("error", v.error) : ""}
<section class="card">
<form method="post" action="/login" novalidate>
  <input type="hidden" name="_csrf" value="${v.csrf}">
  <input type="hidden" name="next" value="${v.next}">
  <label for="account">Account</label>
  <input type="text" id="account" name="account" required autocomplete="organization" autocapitalize="none" spellcheck="false" value="${v.account ?? ""}"${v.account ? "" : html` autofocus`}>
  <label for="email">Email</label>
  <input type="email" id="email" name="email" required autocomplete="username" spellcheck="false" value="${v.email ?? ""}">
  <label for="password">Password</label>
  <input type="password" id="password" name="password" required autocomplete="current-password"${v.account ? html` autofocus` : ""}>
  <div class="actions"><button type="submit">Sign in</button></div>
</form>
</section>
<p class="muted">No password yet? An operator sets one with <code>npx hirevault user password --account NAME --email EMAIL</code>.</p>
</div>`;
}
