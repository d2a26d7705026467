import { canExport } from "../../domain/roles.js";
import type { App } from "../../http/types.js";
import {
  SESSION_ABSOLUTE_MS,
  SignInError,
  type WebSessionService,
} from "../../services/web-session.service.js";
import { page } from "../layout.js";
import { homePage } from "../pages/home.page.js";
import { loginPage } from "../pages/login.page.js";
import { sendPage } from "../respond.js";
import { clearSessionCookie, loginCsrfToken, loginCsrfValid, setSessionCookie } from "../session-cookie.js";
import { sendErrorPage } from "../web-errors.js";
import { safeNext } from "../web-guard.js";
import type { FormBody } from "../web-types.js";

/** Sign-in attempts per client address per minute (OWASP Authentication Cheat Sheet: throttle). */
const SIGN_IN_PER_MINUTE = 10;

/** `/` (where to start), `/login` and `/logout`. */
export function registerSessionRoutes(app: App, sessions: WebSessionService): void {
  app.get("/", { config: { web: "signed-in" } }, async (request, reply) => {
    const s = request.webSession!;
    if (canExport(s.role)) return reply.redirect("/settings/data-backup", 303);
    return sendPage(reply, page({ title: "Hirevault", session: s, body: homePage(s) }));
  });

  app.get("/login", { config: { web: "public" } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const next = safeNext(q.next);
    if (request.webSession) return reply.redirect(next, 303);
    const body = loginPage({ csrf: loginCsrfToken(request, reply), next, signedOut: q.signed_out === "1" });
    return sendPage(reply, page({ title: "Sign in", body }));
  });

  app.post(
    "/login",
    { config: { web: "public", rateLimit: { max: SIGN_IN_PER_MINUTE, timeWindow: 60_000 } } },
    async (request, reply) => {
      const form = (request.body ?? {}) as FormBody;
      const next = safeNext(form.next);
      if (!loginCsrfValid(request, form._csrf)) {
        return sendErrorPage(
          request,
          reply,
          403,
          "This form has expired",
          "Reload the sign-in page and try again.",
        );
      }
      try {
        const { token } = await sessions.signIn({
          account: form.account ?? "",
          email: form.email ?? "",
          password: form.password ?? "",
          ip: request.ip,
          userAgent: request.headers["user-agent"],
        });
        // Signing in again ends the session the browser had (one browser, one session).
        if (request.webSession) await sessions.signOut(request.webSession, request.ip);
        setSessionCookie(request, reply, token, SESSION_ABSOLUTE_MS);
        return reply.redirect(next, 303);
      } catch (err) {
        if (!(err instanceof SignInError)) throw err;
        reply.code(401);
        const body = loginPage({
          csrf: loginCsrfToken(request, reply),
          next,
          account: form.account ?? "",
          email: form.email ?? "",
          error: err.message,
        });
        return sendPage(reply, page({ title: "Sign in", body }));
      }
    },
  );

  app.post("/logout", { config: { web: "signed-in" } }, async (request, reply) => {
    await sessions.signOut(request.webSession!, request.ip);
    clearSessionCookie(request, reply);
    return reply.redirect("/login?signed_out=1", 303);
  });
}
