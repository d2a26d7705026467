/**
 * Signing in to the web pages in tests, through the real forms (no port: `app.inject`): set a
 * password, open /login for its CSRF cookie, post the form, keep the session cookie, and read the
 * session's CSRF token off a page like a browser's form would.
 */
import type { LightMyRequestResponse as Response } from "fastify";
import type { Role } from "../../../src/domain/roles.js";
import { setUserPassword } from "../../../src/services/user-password.service.js";
import { SYSTEM_ACTOR } from "../../../src/services/write-context.js";
import type { TestAccount, TestApp } from "../../support/test-app.js";

export const TEST_PASSWORD = "correct horse battery staple";

export interface WebClient {
  /** `Cookie` header value carrying the session. */
  cookie: string;
  /** The session's CSRF token, as the pages embed it. */
  csrf: string;
  email: string;
  userId: string;
  /** GET as a browser would (Accept: text/html), with the session cookie. */
  get(url: string, headers?: Record<string, string>): Promise<Response>;
  /**
   * POST a form (urlencoded) with the session cookie, same-origin headers and `_csrf` added
   * unless `form._csrf` is given (pass `_csrf: ""` to leave it empty).
   */
  post(url: string, form?: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
}

/** The email of the account's `role` user, after giving it `password`. */
export async function givePassword(
  t: TestApp,
  role: Role,
  account: TestAccount = t.a,
  password = TEST_PASSWORD,
): Promise<string> {
  const user = await t.database.db
    .selectFrom("users")
    .select("email")
    .where("id", "=", account.userIds[role])
    .executeTakeFirstOrThrow();
  await setUserPassword(
    t.database.db,
    { accountId: account.id, actor: SYSTEM_ACTOR },
    { email: user.email, password },
  );
  return user.email;
}

/** `name=value` pairs of a response's Set-Cookie headers. */
export function cookiesOf(res: Response): Map<string, string> {
  const raw = res.headers["set-cookie"];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const out = new Map<string, string>();
  for (const c of list) {
    const [pair] = c.split(";");
    const eq = pair!.indexOf("=");
    out.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return out;
}

/** The `_csrf` value of the first form on a page. */
export function csrfOf(body: string): string {
  const m = /name="_csrf" value="([^"]*)"/.exec(body);
  if (!m) throw new Error("no _csrf field on the page");
  return m[1]!;
}

export function urlencoded(form: Record<string, string>): string {
  return new URLSearchParams(form).toString();
}

/** Posts the sign-in form as a browser would (login CSRF cookie included). */
export async function postSignIn(
  t: TestApp,
  fields: { account: string; email: string; password: string; next?: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = await t.inject({ method: "GET", url: "/login", headers: { accept: "text/html", ...headers } });
  const loginCookie = [...cookiesOf(form)].map(([k, v]) => `${k}=${v}`).join("; ");
  return t.inject({
    method: "POST",
    url: "/login",
    headers: {
      accept: "text/html",
      "content-type": "application/x-www-form-urlencoded",
      "sec-fetch-site": "same-origin",
      cookie: loginCookie,
      ...headers,
    },
    payload: urlencoded({ _csrf: csrfOf(form.body), next: "/", ...fields }),
  });
}

/** Signs the account's `role` user in and returns a client carrying the session. */
export async function signIn(t: TestApp, role: Role, account: TestAccount = t.a): Promise<WebClient> {
  const email = await givePassword(t, role, account);
  const res = await postSignIn(t, { account: account.name, email, password: TEST_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
  const session = [...cookiesOf(res)].find(([k]) => k.endsWith("hv_session"));
  if (!session) throw new Error("no session cookie");
  const cookie = `${session[0]}=${session[1]}`;
  const home = await t.inject({ method: "GET", url: "/", headers: { cookie, accept: "text/html" } });
  const landing =
    home.statusCode === 303
      ? await t.inject({
          method: "GET",
          url: home.headers.location as string,
          headers: { cookie, accept: "text/html" },
        })
      : home;
  const csrf = csrfOf(landing.body);
  return {
    cookie,
    csrf,
    email,
    userId: account.userIds[role],
    get: (url, headers = {}) =>
      t.inject({ method: "GET", url, headers: { cookie, accept: "text/html", ...headers } }),
    post: (url, form = {}, headers = {}) =>
      t.inject({
        method: "POST",
        url,
        headers: {
          cookie,
          accept: "text/html",
          "content-type": "application/x-www-form-urlencoded",
          "sec-fetch-site": "same-origin",
          ...headers,
        },
        payload: urlencoded({ _csrf: csrf, ...form }),
      }),
  };
}
