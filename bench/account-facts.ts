/**
 * What a seeded bench account holds, read back from its database rather than assumed from the
 * spec: its files split as the full export splits them (Info-ZIP zips each side) and the server
 * named in the report's heading.
 */
import { sql } from "kysely";
import type { BenchAccount } from "./bench-account.js";

export interface Facts {
  cvKeys: string[];
  cvBytes: number;
  otherKeys: string[];
  otherBytes: number;
  server: string;
}

export async function readFacts(account: BenchAccount): Promise<Facts> {
  const database = account.open();
  try {
    const files = await database.db
      .selectFrom("attachments")
      .select(["storage_key", "size_bytes", "internal_cv", "entity_type"])
      .where("account_id", "=", account.accountId)
      .orderBy("id")
      .execute();
    const facts: Facts = { cvKeys: [], cvBytes: 0, otherKeys: [], otherBytes: 0, server: "SQLite" };
    for (const f of files) {
      // The full export's split: internal CVs of persons, and every other file.
      if (f.internal_cv && f.entity_type === "person") {
        facts.cvKeys.push(f.storage_key);
        facts.cvBytes += Number(f.size_bytes);
      } else {
        facts.otherKeys.push(f.storage_key);
        facts.otherBytes += Number(f.size_bytes);
      }
    }
    if (database.dialect === "postgres") {
      const { rows } = await sql<{ v: string }>`select version() as v`.execute(database.db);
      facts.server = /^PostgreSQL [\d.]+/.exec(rows[0]!.v)?.[0] ?? "PostgreSQL";
    }
    return facts;
  } finally {
    await database.close();
  }
}
