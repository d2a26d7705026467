import type { Logger } from "../../logger.js";
import type { WebSessionService } from "../../services/web-session.service.js";
import type { PeriodicTask } from "../periodic-task.js";

/**
 * Deletes web sessions past their idle or absolute expiry. They are refused anyway when used;
 * this keeps signed-out sessions (hashed tokens, addresses) from piling up in the database.
 */
export class DeleteExpiredSessionsTask implements PeriodicTask {
  readonly name = "delete-expired-sessions";
  readonly intervalMs = 10 * 60_000;

  constructor(
    private readonly sessions: WebSessionService,
    private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const deleted = await this.sessions.deleteExpired();
    if (deleted) this.logger.info({ deleted }, "deleted expired web sessions");
  }
}
