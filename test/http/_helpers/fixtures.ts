import crypto from "node:crypto";
import { expect } from "vitest";
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

/** A small but well-formed PDF, `extraBytes` of padding long (to make it as large as needed). */
export function makePdf(extraBytes = 0, text = "Curriculum vitae"): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
  ];
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  let body = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const pdf = Buffer.from(body, "latin1");
  return extraBytes > 0 ? Buffer.concat([pdf, Buffer.from(`%${"x".repeat(extraBytes - 2)}\n`)]) : pdf;
}

export function sha256(bytes: Buffer): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}
