import { Argument, type Command } from "commander";
import { EXPORT_FORMATS } from "../../db/schema/exports.js";

/** `hirevault export <format> --account NAME --out PATH`: see `exportNow`. */
export function registerExport(program: Command): void {
  program
    .command("export")
    .description("run an export now and save its file (progress on stderr, the saved path on stdout)")
    .addArgument(new Argument("<format>", "export format").choices([...EXPORT_FORMATS]))
    .requiredOption("--account <name>", "account name")
    .requiredOption(
      "--out <path>",
      "directory to write to (created if missing), or a file name for one-file exports (backup)",
    )
    .action(async (format: string, opts: { account: string; out: string }) =>
      (await import("../actions/export.js")).exportNow(format, opts),
    );
}
