/**
 * `hirevault import` runs every check of `hirevault verify` before it writes anything
 * (src/import/verify-first.ts): a snapshot verify rejects is refused — no account row, not one
 * `put` to storage, no table started — and the refusal quotes verify's own words. Each snapshot
 * here is damaged in a way only verify's checks see, or that the import used to see only after
 * it had started writing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImportError } from "../../src/import/import-error.js";
import { importSnapshot } from "../../src/import/import-snapshot.js";
import type { BlobStore } from "../../src/storage/blob-store.js";
import { verifyExport } from "../../src/verify/verify-export.js";
import { type Fixture, seedFixture } from "../exports/formats/helpers.js";
import { DIALECTS } from "../support/dialects.js";
import { failures } from "../verify/helpers.js";
import { snapshotFile } from "./snapshot-file.js";
import { replaceEntry } from "./tamper.js";

/** The real store, counting the calls of `put` (every file the import would write goes through it). */
function countingPuts(real: BlobStore): { store: BlobStore; puts: () => number } {
  let puts = 0;
  const store = new Proxy(real, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (key === "put")
        return (...args: Parameters<BlobStore["put"]>) => {
          puts++;
          return target.put(...args);
        };
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store, puts: () => puts };
}

/** The first data record's `first_name` in capitals: same size, other bytes. */
function capitalizeFirstName(csv: string): string {
  const lines = csv.split("\r\n");
  const cells = lines[1]!.split(",");
  cells[1] = cells[1]!.toUpperCase();
  lines[1] = cells.join(",");
  const out = lines.join("\r\n");
  expect(out).not.toBe(csv);
  expect(out.length).toBe(csv.length);
  return out;
}

const json = (f: (v: Record<string, unknown>) => void) => (text: string) => {
  const v = JSON.parse(text) as Record<string, unknown>;
  f(v);
  return JSON.stringify(v, null, 2);
};
type Resource = { path: string; hash: string };

describe.each(DIALECTS)("import verifies the snapshot before writing on %s", (dialect) => {
  let fx: Fixture;
  let dir: string;
  let snapshot: string;

  const accountCount = async () =>
    Number(
      (
        await fx.database.db
          .selectFrom("accounts")
          .select((e) => e.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    fx = await seedFixture(dialect, 12);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-import-verify-"));
    snapshot = await snapshotFile(fx, dir);
  }, 60_000);

  afterAll(async () => {
    await fx?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each<[string, string, (old: string) => string, { reseal?: boolean }, RegExp]>([
    [
      "datapackage.json whose bytes are not those manifest.json lists",
      "datapackage.json",
      (text) => JSON.stringify(JSON.parse(text)), // the same resources, written on one line
      { reseal: false },
      /datapackage\.json in bad\.zip: manifest\.json says [\d,]+ bytes, the file has [\d,]+/,
    ],
    [
      "datapackage.json that is not JSON",
      "datapackage.json",
      (text) => text.slice(0, text.length / 2),
      {},
      /datapackage\.json in bad\.zip: not valid JSON \(/,
    ],
    [
      "datapackage.json with a resource hash that is not its CSV's",
      "datapackage.json",
      json((pkg) => {
        const r = (pkg.resources as Resource[]).find((x) => x.path === "persons/persons.csv")!;
        r.hash = `sha256:${"0".repeat(64)}`;
      }),
      {},
      /datapackage\.json in bad\.zip: persons\/persons\.csv: hash is sha256:0{64}, the file's is sha256:[0-9a-f]{64}/,
    ],
    [
      "a CSV whose SHA-256 is not the one manifest.json lists",
      "persons/persons.csv",
      capitalizeFirstName,
      { reseal: false },
      /persons\/persons\.csv in bad\.zip: SHA-256 is [0-9a-f]{64}, manifest\.json says [0-9a-f]{64}/,
    ],
    [
      "a CSV record that ends in LF alone",
      "persons/emails.csv",
      (csv) => {
        const second = csv.indexOf("\r\n", csv.indexOf("\r\n") + 2);
        return `${csv.slice(0, second)}\n${csv.slice(second + 2)}`;
      },
      {},
      /persons\/emails\.csv in bad\.zip: line 2 does not end with CRLF/,
    ],
    [
      "manifest.json whose attachment_files total is not what files/ holds",
      "manifest.json",
      json((m) => {
        (m.attachment_files as { bytes: number }).bytes += 1;
      }),
      {},
      /manifest\.json in bad\.zip: attachment_files says [\d,]+ files of [\d,]+ bytes, files\/ holds/,
    ],
  ])("refuses %s, in verify's words, before writing anything", async (_what, entry, edit, opts, reason) => {
    const file = path.join(fs.mkdtempSync(path.join(dir, "case-")), "bad.zip");
    replaceEntry(snapshot, file, entry, edit, opts);
    const report = await verifyExport(file);
    expect(report.ok).toBe(false);
    const { store, puts } = countingPuts(fx.services.blobs);
    const accounts = await accountCount();
    let tables = 0;
    const attempt = importSnapshot({
      db: fx.database.db,
      blobs: store,
      file,
      accountName: `restored-${path.basename(path.dirname(file))}`,
      onProgress: () => tables++,
    });
    await expect(attempt).rejects.toBeInstanceOf(ImportError);
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).toMatch(reason);
    // verify's first failure, word for word, on one line.
    expect(message).toContain(failures(report)[0]);
    expect(message).toContain("not imported");
    expect(message).not.toContain("\n");
    expect({ puts: puts(), tables, accounts: await accountCount() }).toEqual({
      puts: 0,
      tables: 0,
      accounts,
    });
  });

  it("still imports the untouched snapshot, reading it for verify and then for the rows", async () => {
    const { store, puts } = countingPuts(fx.services.blobs);
    let verified = 0;
    const summary = await importSnapshot({
      db: fx.database.db,
      blobs: store,
      file: snapshot,
      accountName: `restored-intact-${dialect}`,
      onVerifyProgress: (done, total) => {
        expect(done).toBeLessThanOrEqual(total);
        verified = done;
      },
    });
    expect(verified).toBeGreaterThan(fs.statSync(snapshot).size / 2);
    expect(puts()).toBe(summary.files);
    expect(summary.files).toBeGreaterThan(0);
  });
});
