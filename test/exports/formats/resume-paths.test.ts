/**
 * CV entry names of the backup (docs/EXPORTS.md#the-monthly-backup,
 * docs/EXPORTS.md#zip-entry-names).
 */
import { describe, expect, it } from "vitest";
import {
  OPENING_MAX_BYTES,
  ResumePathAllocator,
  STAGE_MAX_BYTES,
} from "../../../src/exports/candidates-report/resume-paths.js";
import { foldKey, MAX_ENTRY_PATH_BYTES } from "../../../src/exports/zip/safe-entry-name.js";

const ENTRY = /^Resumes\/[^/]+\/[^/]+\/[^/]+$/;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const WINDOWS_BAD = /[<>:"\\|?*\u0000-\u001F]|[. ]$/;
const RESERVED = /^(CON|PRN|AUX|NUL|COM\d|LPT\d|CONIN\$|CONOUT\$)(\..*)?$/i;

const id = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, "0")}`;

/** One job per title, each with one stage "Applied" (stage id = job id + 1000). */
function allocator(titles: string[], stageNames: string[] = ["Applied"]) {
  const jobs = titles.map((title, i) => ({ id: id(i + 1), title }));
  const stages = jobs.flatMap((j, i) =>
    stageNames.map((name, position) => ({ id: id(1000 + i * 100 + position), job_id: j.id, name, position })),
  );
  return { paths: new ResumePathAllocator(jobs, stages), jobs, stages };
}

function assertSafe(entry: string) {
  expect(entry).toMatch(ENTRY);
  expect(entry).not.toMatch(BIDI);
  expect(entry.normalize("NFC")).toBe(entry);
  expect(Buffer.byteLength(entry)).toBeLessThanOrEqual(MAX_ENTRY_PATH_BYTES);
  for (const seg of entry.split("/")) {
    expect(seg).not.toBe("..");
    expect(seg).not.toBe(".");
    expect(seg, entry).not.toMatch(WINDOWS_BAD);
    expect(seg, entry).not.toMatch(RESERVED);
    expect(Buffer.byteLength(seg)).toBeLessThanOrEqual(255);
  }
}

describe("ResumePathAllocator", () => {
  it("1.13: traversal, absolute, drive and backslash names become single safe segments", () => {
    const hostile = ["../../etc/passwd", "/abs", "C:\\x", "a\\b", "..", "."];
    const { paths, jobs, stages } = allocator(hostile, hostile);
    const entries = jobs.flatMap((j, i) =>
      hostile.map((f, s) => paths.forApplication(j.id, stages[i * hostile.length + s]!.id, f)),
    );
    for (const e of entries) assertSafe(e);
    expect(paths.openingFolder(jobs[0]!.id)).toBe("_.._etc_passwd");
    expect(paths.openingFolder(jobs[2]!.id)).toBe("C__x");
    expect(new Set(entries.map(foldKey)).size).toBe(entries.length);
  });

  it("1.14: Windows-reserved and empty titles become valid names, with an id-bearing fallback", () => {
    const titles = ["CON", "nul.txt", "COM1", "CONIN$", "Sales.", "Sales ", "a:b?", '""', "   ", ""];
    const { paths, jobs } = allocator(titles);
    const names = jobs.map((j) => paths.openingFolder(j.id));
    expect(names.slice(0, 7)).toEqual(["_CON", "_nul.txt", "_COM1", "_CONIN$", "Sales", "Sales (2)", "a_b_"]);
    expect(names[7]).toBe("__");
    expect(names[8]).toBe(`Untitled job opening (${jobs[8]!.id.slice(-8)})`);
    expect(names[9]).toBe(`Untitled job opening (${jobs[9]!.id.slice(-8)})`);
    for (const j of jobs) assertSafe(paths.forApplication(j.id, id(1000 + jobs.indexOf(j) * 100), "cv.pdf"));
  });

  it("reserves `others` for persons without application; a job titled Others is renamed", () => {
    const { paths, jobs } = allocator(["Others", "others"]);
    expect(paths.openingFolder(jobs[0]!.id)).toBe("Others (2)");
    expect(paths.openingFolder(jobs[1]!.id)).toBe("others (3)");
    expect(paths.forPersonWithoutApplication("cv.pdf")).toBe("Resumes/others/cv.pdf");
    expect(paths.forPersonWithoutApplication("CV.pdf")).toBe("Resumes/others/CV (2).pdf");
  });

  it("1.15: names equal after case folding or NFC collide and get suffixes; all NFC", () => {
    const { paths, jobs, stages } = allocator([
      "Caf\u00e9 Manager",
      "Cafe\u0301 Manager",
      "Sales Lead",
      "SALES LEAD",
    ]);
    expect(jobs.map((j) => paths.openingFolder(j.id))).toEqual([
      "Caf\u00e9 Manager",
      "Caf\u00e9 Manager (2)",
      "Sales Lead",
      "SALES LEAD (2)",
    ]);
    const put = (f: string) => paths.forApplication(jobs[0]!.id, stages[0]!.id, f);
    expect(put("CV.pdf")).toBe("Resumes/Café Manager/Applied/CV.pdf");
    expect(put("cv.pdf")).toBe("Resumes/Café Manager/Applied/cv (2).pdf");
    expect(put("R\u00e9sum\u00e9.pdf")).toBe("Resumes/Café Manager/Applied/R\u00e9sum\u00e9.pdf");
    expect(put("Re\u0301sume\u0301.pdf")).toBe("Resumes/Café Manager/Applied/R\u00e9sum\u00e9 (2).pdf");
    // The same name in another stage or opening is free there.
    expect(paths.forApplication(jobs[2]!.id, stages[2]!.id, "cv.pdf")).toBe(
      "Resumes/Sales Lead/Applied/cv.pdf",
    );
  });

  it("1.16: resume.pdf twice in one stage → resume.pdf, resume (2).pdf, the same on every run", () => {
    const run = () => {
      const { paths, jobs, stages } = allocator(["Engineer"], ["Applied", "Applied", "Screen"]);
      const files = ["resume.pdf", "resume.pdf", "resume (2).pdf", "resume.pdf", "resume.pdf"];
      return files.map((f) => paths.forApplication(jobs[0]!.id, stages[0]!.id, f));
    };
    const first = run();
    expect(first).toEqual([
      "Resumes/Engineer/Applied/resume.pdf",
      "Resumes/Engineer/Applied/resume (2).pdf",
      "Resumes/Engineer/Applied/resume (2) (2).pdf",
      "Resumes/Engineer/Applied/resume (3).pdf",
      "Resumes/Engineer/Applied/resume (4).pdf",
    ]);
    expect(run()).toEqual(first);
    // Stage folders are unique within their opening too.
    const { paths, stages } = allocator(["Engineer"], ["Applied", "applied", "Screen"]);
    expect(stages.map((s) => paths.stageFolder(s.id))).toEqual(["Applied", "applied (2)", "Screen"]);
  });

  it("1.17: long titles and emoji are cut on grapheme boundaries; whole path ≤ 200 bytes", () => {
    const family = "👨‍👩‍👧‍👦";
    const long = `Senior ${"Distributed Systems ".repeat(60)}Engineer`;
    const { paths, jobs, stages } = allocator([long, family.repeat(40)], [family.repeat(30), "=1+1"]);
    expect(Buffer.byteLength(paths.openingFolder(jobs[0]!.id))).toBeLessThanOrEqual(OPENING_MAX_BYTES);
    const emojiJob = paths.openingFolder(jobs[1]!.id);
    expect(emojiJob.length % family.length).toBe(0); // whole ZWJ sequences only
    expect(emojiJob.length).toBeGreaterThan(0);
    const emojiStage = paths.stageFolder(stages[2]!.id);
    expect(Buffer.byteLength(emojiStage)).toBeLessThanOrEqual(STAGE_MAX_BYTES);
    expect(emojiStage.length % family.length).toBe(0);
    for (const file of [`${"x".repeat(300)}.pdf`, `${family.repeat(50)}.docx`, "👩‍💻 CV.pdf"]) {
      for (const stage of stages.slice(2)) {
        for (let copy = 0; copy < 3; copy++) {
          const entry = paths.forApplication(jobs[1]!.id, stage.id, file);
          assertSafe(entry);
          expect(entry.endsWith(file.slice(file.lastIndexOf(".")))).toBe(true);
        }
      }
    }
    const cut = paths.forApplication(jobs[0]!.id, stages[0]!.id, `${"y".repeat(300)}.pdf`);
    assertSafe(cut);
    expect(cut).toMatch(/y\.pdf$/);
  });

  it("bidi controls are removed from every level", () => {
    const { paths, jobs, stages } = allocator(["\u2066cv\u2069"], ["Phone\u202EScreen"]);
    const entry = paths.forApplication(jobs[0]!.id, stages[0]!.id, "cv\u202Efdp.exe");
    expect(entry).toBe("Resumes/cv/PhoneScreen/cvfdp.exe");
    assertSafe(entry);
  });

  it("scales: 5,000 colliding names in one folder stay unique and fast", () => {
    const { paths, jobs, stages } = allocator(["Engineer"]);
    const t0 = performance.now();
    const names = Array.from({ length: 5000 }, () =>
      paths.forApplication(jobs[0]!.id, stages[0]!.id, "CV.pdf"),
    );
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(new Set(names.map(foldKey)).size).toBe(5000);
    expect(names[4999]).toBe("Resumes/Engineer/Applied/CV (5000).pdf");
  });
});
