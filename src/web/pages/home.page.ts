import type { WebSession } from "../../services/web-session.service.js";
import { html, type SafeHtml } from "../html.js";

/** What a recruiter or viewer sees after signing in: who they are, and why there is nothing here. */
export function homePage(s: WebSession): SafeHtml {
  return html`<h1>Hello, ${s.userName}</h1>
<section class="card">
<p>You are signed in to the account <strong>${s.accountName}</strong> as a <strong>${s.role}</strong>.</p>
<p>The settings pages — Data Backup, Data Export, snapshots, API tokens and the audit log — are for owners and admins of the account. Ask one of them if you need an export of the account's data.</p>
</section>`;
}
