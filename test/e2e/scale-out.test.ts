import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePdf } from "../../src/seed/cv-files.js";
import { runCli, spawnCli } from "../support/cli.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { readCsvFile, readExport, records } from "../support/read-export.js";
import { type S3rverHarness, startS3rver } from "../support/s3rver.js";

// real: PostgreSQL, s3rver (S3 protocol on loopback), the compiled CLI as child processes.
// The scale-out path of README.md#configuration is chosen by environment variables alone.
describe.runIf(DIALECTS.includes("postgres"))("PostgreSQL + S3 chosen by environment", () => {
  let database: TestDatabase;
  let s3: S3rverHarness;
  let client: S3Client;
  let dataDir: string;
  let env: Record<string, string | undefined>;

  const objectKeys = async () => {
    const out = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, MaxKeys: 1000 }));
    return (out.Contents ?? []).map((o) => o.Key!);
  };

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    s3 = await startS3rver("hirevault-files");
    client = new S3Client({
      endpoint: s3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-scale-"));
    env = {
      HIREVAULT_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      PORT: "0",
      HIREVAULT_DEMO: "false",
    };
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
    await database?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("seeds CVs into the bucket, uploads and downloads through the API, erases on delete", async () => {
    const seeded = await runCli(["seed", "--account", "acme", "--candidates", "25", "--seed", "s3"], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    const attachments = await database.db.selectFrom("attachments").select(["storage_key"]).execute();
    expect(attachments.length).toBeGreaterThan(0);
    expect((await objectKeys()).sort()).toEqual(attachments.map((a) => a.storage_key).sort());
    // Nothing went to the local data dir: only the secret key lives there.
    await expect(fs.readdir(path.join(dataDir, "blobs"))).rejects.toThrow();

    const token = (
      await runCli(["token", "create", "--account", "acme", "--role", "recruiter"], env)
    ).stdout.trim();
    const server = spawnCli(["start", "--no-worker"], env);
    try {
      const [, url] = await server.waitFor(/Hirevault is running at (http:\/\/\S+)/);
      const auth = { authorization: `Bearer ${token}` };
      const person = (await (
        await fetch(`${url}/api/v1/persons`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ first_name: "Grace", last_name: "Hopper" }),
        })
      ).json()) as { id: string };
      const pdf = makePdf({ name: "Grace Hopper", headline: "Rear admiral" }, { padBytes: 200_000 });
      const form = new FormData();
      form.set("entity_type", "person");
      form.set("entity_id", person.id);
      form.set("internal_cv", "true");
      form.set("file", new Blob([pdf]), "grace.pdf");
      const uploaded = await fetch(`${url}/api/v1/attachments`, {
        method: "POST",
        headers: auth,
        body: form,
      });
      expect(uploaded.status).toBe(201);
      const att = (await uploaded.json()) as { id: string; size_bytes: number; content_type: string };
      expect(att).toMatchObject({ size_bytes: pdf.length, content_type: "application/pdf" });
      const row = await database.db
        .selectFrom("attachments")
        .select("storage_key")
        .where("id", "=", att.id)
        .executeTakeFirstOrThrow();
      expect(await objectKeys()).toContain(row.storage_key);

      const download = await fetch(`${url}/api/v1/attachments/${att.id}/content`, { headers: auth });
      expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
      const part = await fetch(`${url}/api/v1/attachments/${att.id}/content`, {
        headers: { ...auth, range: "bytes=100-199" },
      });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(pdf.subarray(100, 200))).toBe(true);

      const deleted = await fetch(`${url}/api/v1/persons/${person.id}`, { method: "DELETE", headers: auth });
      expect(deleted.status).toBe(204);
      expect(await objectKeys()).not.toContain(row.storage_key);
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    }
  });

  it("backs up an S3-stored account: CVs read from the bucket, the archive stored in it, then saved", async () => {
    const out = path.join(dataDir, "out");
    await fs.mkdir(out, { recursive: true });
    const res = await runCli(["export", "backup", "--account", "acme", "--out", out], env);
    expect(res.code, res.stderr).toBe(0);
    const saved = res.stdout.trim();
    const artifact = await database.db
      .selectFrom("export_artifacts")
      .select(["storage_key", "size_bytes", "sha256"])
      .executeTakeFirstOrThrow();
    expect(await objectKeys()).toContain(artifact.storage_key);
    const bytes = await fs.readFile(saved);
    expect(bytes.length).toBe(artifact.size_bytes);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(artifact.sha256);
    const { stdout } = await promisify(execFile)("unzip", ["-Z1", saved]);
    const entries = stdout.trim().split("\n");
    expect(entries).toContain("Candidates.xlsx");
    const cvs = await database.db
      .selectFrom("attachments")
      .select("id")
      .where("internal_cv", "=", true)
      .where("entity_type", "=", "person")
      .execute();
    expect(entries.filter((e) => e.startsWith("Resumes/") && !e.endsWith("/")).length).toBeGreaterThanOrEqual(
      cvs.length,
    );
    await promisify(execFile)("unzip", ["-tq", saved]);
  });
  it("makes a full export of an S3-stored account once its invoice is paid: four files, hashes as listed", async () => {
    const out = path.join(dataDir, "full");
    const waiting = await runCli(["export", "full", "--account", "acme", "--out", out], env);
    expect(waiting.code).toBe(1);
    const number = /hirevault invoice pay (\S+) --account acme/.exec(waiting.stderr)?.[1];
    expect(number, waiting.stderr).toBeDefined();
    const paid = await runCli(["invoice", "pay", number!, "--account", "acme"], env);
    expect(paid.code, paid.stderr).toBe(0);
    const res = await runCli(["export", "full", "--account", "acme", "--out", out], env);
    expect(res.code, res.stderr).toBe(0);
    const saved = res.stdout.trim().split("\n");
    expect(saved).toHaveLength(4);
    const artifacts = await database.db
      .selectFrom("export_artifacts as a")
      .innerJoin("export_runs as r", "r.id", "a.export_run_id")
      .select(["a.part", "a.file_name", "a.storage_key", "a.size_bytes", "a.sha256"])
      .where("r.format", "=", "full")
      .execute();
    expect(artifacts.map((a) => a.part).sort()).toEqual(["attachments", "cvs", "data", "master"]);
    const keys = await objectKeys();
    const master = await readCsvFile(path.join(out, artifacts.find((a) => a.part === "master")!.file_name));
    for (const a of artifacts) {
      expect(keys).toContain(a.storage_key);
      const bytes = await fs.readFile(path.join(out, a.file_name));
      const sha = createHash("sha256").update(bytes).digest("hex");
      expect(sha).toBe(a.sha256);
      if (a.part === "master") continue;
      expect(records(master).find((r) => r["File Name"] === a.file_name)?.["SHA-256"]).toBe(sha);
      await promisify(execFile)("unzip", ["-tq", path.join(out, a.file_name)]);
    }
    const data = await readExport(path.join(out, artifacts.find((a) => a.part === "data")!.file_name), [
      "Candidates.csv",
      "Attachments.csv",
    ]);
    const count = async (table: "persons" | "attachments") =>
      Number(
        (
          await database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(data.csv["Candidates.csv"]!.rows.length - 1).toBe(await count("persons"));
    expect(data.csv["Attachments.csv"]!.rows.length - 1).toBe(await count("attachments"));
  });

  it("snapshots, verifies and restores an S3-stored account into a second one, files in the bucket", async () => {
    const file = path.join(dataDir, "acme-snapshot.zip");
    const snap = await runCli(["export", "snapshot", "--account", "acme", "--out", file], env);
    expect(snap.code, snap.stderr).toBe(0);
    const verified = await runCli(["verify", file], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    const imported = await runCli(["import", file, "--account", "acme-restored"], env);
    expect(imported.code, imported.stderr).toBe(0);
    const [restoredId, restoredName] = imported.stdout.trim().split(" ");
    expect(restoredName).toBe("acme-restored");
    const ids = async (accountName: string, table: "persons" | "attachments") => {
      const { rows } = await sql<{ n: string }>`
        select count(*) as n from ${sql.table(table)} t join accounts a on a.id = t.account_id
        where a.name = ${accountName}`.execute(database.db);
      return Number(rows[0]!.n);
    };
    expect(await ids("acme-restored", "persons")).toBe(await ids("acme", "persons"));
    expect(await ids("acme-restored", "attachments")).toBe(await ids("acme", "attachments"));
    // Every restored file is in the bucket under the new account, byte for byte: the bytes of
    // each attachment, read back from the bucket, hash as the original's of the same name.
    const files = async (accountName: string) => {
      const rows = await database.db
        .selectFrom("attachments as t")
        .innerJoin("accounts as a", "a.id", "t.account_id")
        .select(["t.file_name", "t.size_bytes", "t.storage_key"])
        .where("a.name", "=", accountName)
        .execute();
      const out: { key: string; file: string }[] = [];
      for (const r of rows) {
        const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: r.storage_key }));
        const bytes = Buffer.from(await object.Body!.transformToByteArray());
        expect(bytes.length).toBe(Number(r.size_bytes));
        out.push({
          key: r.storage_key,
          file: `${r.file_name} ${createHash("sha256").update(bytes).digest("hex")}`,
        });
      }
      return out;
    };
    const original = await files("acme");
    const restored = await files("acme-restored");
    expect(restored.length).toBeGreaterThan(0);
    for (const { key } of restored)
      expect(key.startsWith(`accounts/${restoredId}/attachments/`), key).toBe(true);
    expect(restored.map((f) => f.file).sort()).toEqual(original.map((f) => f.file).sort());
    const copy = path.join(dataDir, "acme-restored-snapshot.zip");
    const again = await runCli(["export", "snapshot", "--account", "acme-restored", "--out", copy], env);
    expect(again.code, again.stderr).toBe(0);
    expect((await runCli(["verify", copy], env)).code).toBe(0);
  });
});
