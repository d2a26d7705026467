import type { Command } from "commander";
import { DEFAULT_LIMITS } from "../../archive/archive-limits.js";
import { wholeNumber } from "./seed.js";

/** `hirevault import FILE --account NAME`: see `importFile`. */
export function registerImport(program: Command): void {
  program
    .command("import")
    .description("restore a snapshot zip into a new, empty account")
    .argument("<file>", "snapshot zip made by `hirevault export snapshot` or the API")
    .requiredOption("--account <name>", "name of the new account to create")
    .option(
      "--erasures <file>",
      "deletions made after the snapshot elsewhere (JSON from GET /api/v1/deletions) to re-apply",
    )
    .option(
      "--max-entries <n>",
      "refuse zips with more entries than this",
      wholeNumber,
      DEFAULT_LIMITS.maxEntries,
    )
    .action(async (file: string, opts: { account: string; erasures?: string; maxEntries: number }) =>
      (await import("../actions/import.js")).importFile(file, opts),
    );
}
