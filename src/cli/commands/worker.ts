import type { Command } from "commander";

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("run background tasks (several workers may share one PostgreSQL database)")
    .action(async () => (await import("../actions/worker.js")).worker());
}
