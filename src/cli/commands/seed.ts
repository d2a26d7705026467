import { type Command, InvalidArgumentError } from "commander";

/** Parses a non-negative whole number option, or fails as a usage error (exit 2). */
export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError("must be a whole number");
  return n;
}

export function registerSeed(program: Command): void {
  program
    .command("seed")
    .description("create an account filled with deterministic sample data (hostile names included)")
    .requiredOption("--account <name>", "name of the new account")
    .requiredOption("--candidates <n>", "number of candidates", wholeNumber)
    .option("--seed <s>", "seed: the same seed gives the same data", "hirevault")
    .option("--time-zone <zone>", "IANA time zone of the account", "UTC")
    .action(async (opts: { account: string; candidates: number; seed: string; timeZone: string }) =>
      (await import("../actions/seed.js")).seed(opts),
    );
}
