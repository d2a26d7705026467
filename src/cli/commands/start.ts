import type { Command } from "commander";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run the HTTP API and a worker in one process")
    .option("--no-worker", "serve HTTP only (run `hirevault worker` processes separately)")
    .action(async (opts: { worker: boolean }) => (await import("../actions/start.js")).start(opts));
}
