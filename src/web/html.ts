/**
 * HTML built from templates with contextual escaping by default: every interpolated value is
 * escaped unless it is already `SafeHtml` (made by `html` itself or, for trusted constants,
 * `raw`). User data (names, file names, the hostile seed strings) can only reach a page escaped
 * (OWASP XSS Prevention Cheat Sheet, rule #1: HTML-encode in element content and quoted
 * attributes — every attribute in these templates is double-quoted).
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escapes text for element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** Values a template accepts: text is escaped, `SafeHtml` kept, arrays joined, nullish dropped. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** The template tag: `html\`<p>${name}</p>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Marks a trusted constant as HTML. Never pass anything that came from a request or the database. */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}
