import type { App } from "../http/types.js";
import { registerApiTokenPages } from "./routes/api-tokens.routes.js";
import { registerAssetRoutes } from "./routes/assets.routes.js";
import { registerAuditLogPages } from "./routes/audit-log.routes.js";
import { registerDataBackupPages } from "./routes/data-backup.routes.js";
import { registerDataExportPages } from "./routes/data-export.routes.js";
import { registerRunStatusRoute } from "./routes/run-status.routes.js";
import { registerSessionRoutes } from "./routes/session.routes.js";
import { registerSnapshotPages } from "./routes/snapshots.routes.js";
import { webErrorHandler } from "./web-errors.js";
import { webGuard, webRequestHook } from "./web-guard.js";
import type { FormBody, WebDeps } from "./web-types.js";

/** Forms are small: a few fields. */
const FORM_BODY_LIMIT = 16 * 1024;
const FORM_MAX_FIELDS = 50;

/**
 * The admin web pages (docs/WEB.md): server-rendered HTML, a little JavaScript, no SPA build. They
 * live in their own Fastify scope, which alone accepts `application/x-www-form-urlencoded`
 * bodies, renders errors as pages instead of problem documents, and signs team members in with
 * a session cookie instead of a Bearer token. Routes say who may open them (`config.web`).
 */
export async function registerWebPages(app: App, deps: WebDeps): Promise<void> {
  app.decorateRequest("webSession", null);
  await app.register(async (web) => {
    web.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => {
        const form: FormBody = Object.create(null);
        let fields = 0;
        for (const [name, value] of new URLSearchParams(body as string)) {
          if (++fields > FORM_MAX_FIELDS) break;
          if (!(name in form)) form[name] = value;
        }
        done(null, form);
      },
    );
    // Pages are not part of the API: keep them out of the OpenAPI document.
    web.addHook("onRoute", (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    web.setErrorHandler(webErrorHandler);
    web.addHook("onRequest", webRequestHook(deps.sessions));
    web.addHook("preHandler", webGuard);
    registerAssetRoutes(web);
    registerSessionRoutes(web, deps.sessions);
    registerRunStatusRoute(web, deps);
    registerDataBackupPages(web, deps);
    registerDataExportPages(web, deps);
    registerSnapshotPages(web, deps);
    registerApiTokenPages(web, deps);
    registerAuditLogPages(web, deps);
  });
}
