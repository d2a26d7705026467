import type { Command } from "commander";

export function registerMigrate(program: Command): void {
  program
    .command("migrate")
    .description("bring the database schema to the latest version")
    .action(async () => (await import("../actions/migrate.js")).migrate());
}
