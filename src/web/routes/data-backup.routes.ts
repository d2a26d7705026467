import { ValidationError } from "../../domain/errors.js";
import { presentBackupSchedule } from "../../http/presenters/backup-schedule.presenter.js";
import { sendCandidatesReport } from "../../http/routes/candidates-report.js";
import type { App } from "../../http/types.js";
import { inProgress } from "../components/export-run.js";
import { page } from "../layout.js";
import { dataBackupPage } from "../pages/data-backup.page.js";
import { redirectDone, sendPage } from "../respond.js";
import { sessionOf, webContextOf } from "../web-context.js";
import type { FormBody, WebDeps } from "../web-types.js";

const PATH = "/settings/data-backup";

/** Settings › Data Backup: the "Enable Monthly Backups" checkbox, the latest and older backups. */
export function registerDataBackupPages(app: App, deps: WebDeps): void {
  const render = async (
    request: Parameters<typeof sessionOf>[0],
    extra: { done?: string; error?: string },
  ) => {
    const s = sessionOf(request);
    const view = await presentBackupSchedule(deps, webContextOf(request), {
      links: deps.links,
      clock: deps.clock,
      userId: s.userId,
    });
    return page({
      title: "Data Backup",
      session: s,
      active: "backup",
      refreshWithoutJs: view.backups.some(inProgress) && PATH,
      body: dataBackupPage(view, { csrf: s.csrfToken, ...extra }),
    });
  };

  app.get(PATH, { config: { web: "admin" } }, async (request, reply) => {
    const done = (request.query as Record<string, string | undefined>).done;
    return sendPage(reply, await render(request, done ? { done } : {}));
  });

  app.get(`${PATH}/candidates.xlsx`, { config: { web: "admin" } }, async (request, reply) =>
    sendCandidatesReport(request, reply, {
      exports: deps.exports,
      ctx: webContextOf(request),
      clock: deps.clock,
      readSnapshot: deps.readSnapshot,
      via: "web",
    }),
  );

  app.post(PATH, { config: { web: "admin" } }, async (request, reply) => {
    const form = (request.body ?? {}) as FormBody;
    const enabled = form.enabled === "on";
    const retention = form.retention_months === undefined ? undefined : Number(form.retention_months);
    const ctx = webContextOf(request);
    const before = await deps.schedules.get(ctx);
    try {
      await deps.schedules.update(ctx, {
        enabled,
        ...(retention === undefined ? {} : { retention_months: retention }),
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      reply.code(422);
      return sendPage(
        reply,
        await render(request, { error: err.errors.map((e) => `${e.field}: ${e.message}`).join("; ") }),
      );
    }
    const done = enabled === before.schedule.enabled ? "saved" : enabled ? "enabled" : "disabled";
    return redirectDone(reply, PATH, done);
  });
}
