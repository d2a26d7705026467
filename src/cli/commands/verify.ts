import type { Command } from "commander";
import { DEFAULT_LIMITS } from "../../archive/archive-limits.js";
import { wholeNumber } from "./seed.js";

/** `hirevault verify FILE [--json]`: see `verify`. */
export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description("re-check an export: structure, CRCs, hashes, counts (exit 0 only when all hold)")
    .argument("<file>", "a backup or snapshot zip, a full export's master CSV, Data Files zip or directory")
    .option("--json", "print the report as JSON")
    .option(
      "--max-entries <n>",
      "refuse zips with more entries than this",
      wholeNumber,
      DEFAULT_LIMITS.maxEntries,
    )
    .action(async (file: string, opts: { json?: boolean; maxEntries: number }) =>
      (await import("../actions/verify.js")).verify(file, opts),
    );
}
