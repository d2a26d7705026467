import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logger.js";
import type { PeriodicTask } from "./periodic-task.js";

/**
 * Runs periodic tasks until stopped. A task that throws is logged and retried at its next tick;
 * `stop()` lets the running tasks finish their current pass (graceful SIGTERM) and starts none.
 */
export class Worker {
  readonly #controller = new AbortController();
  #loops: Promise<void>[] = [];

  constructor(
    private readonly tasks: readonly PeriodicTask[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.#loops = this.tasks.map((task) => this.#loop(task));
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    await Promise.allSettled(this.#loops);
  }

  async #loop(task: PeriodicTask): Promise<void> {
    const { signal } = this.#controller;
    while (!signal.aborted) {
      try {
        await task.run(signal);
      } catch (err) {
        this.logger.error({ task: task.name, err }, "task failed; retrying at its next run");
      }
      await sleep(task.intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
