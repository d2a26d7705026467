import { seedAccount } from "../../seed/seed-account.js";
import { withRuntime } from "../context.js";
import { createProgress } from "../progress.js";

/** `hirevault seed`: a new account filled with deterministic sample data. */
export async function seed(opts: {
  account: string;
  candidates: number;
  seed: string;
  timeZone: string;
}): Promise<void> {
  await withRuntime(async (rt) => {
    const progress = createProgress(`seeding ${opts.account}`);
    const result = await seedAccount({
      db: rt.database.db,
      blobs: rt.blobs,
      accountName: opts.account,
      candidates: opts.candidates,
      seed: opts.seed,
      timeZone: opts.timeZone,
      onProgress: (done, total) => progress.update(done, total),
    });
    const rows = Object.values(result.counts).reduce((a, b) => a + b, 0);
    progress.done(`${rows.toLocaleString("en")} rows`);
    process.stdout.write(`${JSON.stringify({ account_id: result.accountId, counts: result.counts })}\n`);
  });
}
