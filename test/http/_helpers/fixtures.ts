import crypto from "node:crypto";
import { expect } from "vitest";
import { makePdf as makeCvPdf } from "../../../src/seed/cv-files.js";
import type { Client } from "../../support/test-app.js";

/** Creates a person through the API and returns the row. */
export async function createPerson(client: Client, fields: Record<string, unknown> = {}) {
  const res = await client.post("/api/v1/persons", { first_name: "Ada", last_name: "Lovelace", ...fields });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Record<string, unknown> & { id: string };
}

/** Creates a job (and so its pipeline) through the API. */
export async function createJob(client: Client, fields: Record<string, unknown> = {}) {
  const res = await client.post("/api/v1/jobs", { title: "Engineer", ...fields });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Record<string, unknown> & { id: string };
}

/** A real small PDF (the seed's generator) with `extraBytes` of incompressible padding. */
export function makePdf(extraBytes = 0, text = "Curriculum vitae"): Buffer {
  return makeCvPdf({ name: text, headline: "" }, { padBytes: extraBytes });
}

/** A valid PDF of exactly `size` bytes (the padding object's own overhead is found by trying). */
export function pdfOfSize(size: number): Buffer {
  let pad = Math.max(0, size - makePdf().length);
  for (let i = 0; i < 5; i++) {
    const pdf = makePdf(pad);
    if (pdf.length === size) return pdf;
    pad += size - pdf.length;
  }
  throw new Error(`cannot make a PDF of exactly ${size} bytes`);
}

export function sha256(bytes: Buffer): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}
