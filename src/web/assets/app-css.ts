/**
 * The one stylesheet of the web pages. Mobile first: one column, 16 px text, tap targets of at
 * least 44 px (WCAG 2.2 §2.5.8 asks 24); tables turn into stacked cards under 40 rem so nothing
 * scrolls sideways on a phone. Focus is always visible (WCAG 2.4.7).
 */
export const APP_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1b1f24;background:#f6f7f9}
a{color:#0b57d0}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
header.top{background:#14213d;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header.top .brand{font-weight:700;font-size:1.1rem;color:#fff;text-decoration:none}
header.top .who{font-size:.9rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
header.top form{margin:0}
header.top button{background:transparent;color:#fff;border:1px solid #fff6;min-height:36px}
nav.tabs{background:#fff;border-bottom:1px solid #d9dde3;overflow-x:auto}
nav.tabs ul{list-style:none;margin:0 auto;padding:0 .5rem;display:flex;gap:.25rem;max-width:64rem}
nav.tabs a{display:block;padding:.75rem .75rem;white-space:nowrap;text-decoration:none;color:#374151;border-bottom:3px solid transparent}
nav.tabs a[aria-current=page]{color:#0b57d0;border-bottom-color:#0b57d0;font-weight:600}
main{max-width:64rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
section.card>h2:first-child{margin-top:0}
section.card{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:1rem;margin:0 0 1rem}
p.lead{color:#4b5563;margin-top:0}
.muted{color:#6b7280}
.notice{border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem;border:1px solid}
.notice.ok{background:#ecfdf3;border-color:#86efac}
.notice.warn{background:#fffbeb;border-color:#fcd34d}
.notice.error{background:#fef2f2;border-color:#fca5a5}
button,.button{display:inline-flex;align-items:center;justify-content:center;min-height:44px;padding:.5rem 1rem;border-radius:6px;border:1px solid #0b57d0;background:#0b57d0;color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
button.secondary,.button.secondary{background:#fff;color:#0b57d0}
button.danger{background:#fff;color:#b42318;border-color:#b42318}
button:disabled{opacity:.6;cursor:not-allowed}
form.inline{display:inline}
label{font-weight:600;display:block;margin:.75rem 0 .25rem}
label.check{display:flex;gap:.5rem;align-items:center;font-weight:600;min-height:44px}
label.check input{width:1.25rem;height:1.25rem}
input[type=text],input[type=email],input[type=password],select{width:100%;max-width:28rem;min-height:44px;padding:.5rem;border:1px solid #9aa3af;border-radius:6px;font:inherit;background:#fff}
.field-error{color:#b42318;font-size:.9rem;margin:.25rem 0 0}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem;align-items:center}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{color:#4b5563}
dl.facts dd{margin:0;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #e5e7eb;vertical-align:top;overflow-wrap:anywhere}
th{font-weight:600;color:#374151}
.state{display:inline-block;border-radius:999px;padding:.1rem .6rem;font-size:.85rem;font-weight:600;background:#eef2f7;color:#374151;white-space:nowrap}
.state-succeeded{background:#dcfce7;color:#166534}
.state-failed{background:#fee2e2;color:#991b1b}
.state-running,.state-queued{background:#dbeafe;color:#1e40af}
.state-awaiting_payment{background:#fef3c7;color:#92400e}
.state-expired,.state-revoked{background:#f3f4f6;color:#6b7280}
progress{width:100%;max-width:28rem;height:1rem}
code,output.secret{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
output.secret{display:block;background:#f3f4f6;border:1px dashed #9aa3af;border-radius:6px;padding:.75rem;margin:.5rem 0;font-size:1rem;user-select:all}
.login{max-width:26rem;margin:2rem auto}
.pager{display:flex;justify-content:space-between;margin-top:1rem}
@media (max-width:40rem){
  table.stack thead{position:absolute;left:-9999px}
  table.stack tr{display:block;border:1px solid #e5e7eb;border-radius:6px;margin:0 0 .75rem;padding:.25rem .5rem;background:#fff}
  table.stack td{display:grid;grid-template-columns:8rem 1fr;gap:.5rem;border:0;padding:.35rem 0}
  table.stack td::before{content:attr(data-label);font-weight:600;color:#4b5563}
  dl.facts{grid-template-columns:1fr}
  dl.facts dd{margin-bottom:.5rem}
}
`;
