import { defineConfig } from "vitest/config";

/**
 * Unit tests: code alone — no database (not even SQLite), no server (S3, SMTP, HTTP), no child
 * process (the CLI, python3, unzip), no build. A file joins this list only when that holds for
 * everything it and its helpers do; a new test file lands in integration until then.
 */
const UNIT = [
  "test/archive/zip-reader.test.ts",
  "test/config/env.test.ts",
  "test/db/references.test.ts",
  "test/exports/batches-ahead.test.ts",
  "test/exports/csv/copy-csv-lines.test.ts",
  "test/exports/csv/csv-reader.test.ts",
  "test/exports/files/copy-files.test.ts",
  "test/exports/files/read-ahead.test.ts",
  "test/exports/format-boundaries.test.ts",
  "test/exports/formats/resume-paths.test.ts",
  "test/exports/formats/snapshot-cells.test.ts",
  "test/exports/xlsx/cell-value.test.ts",
  "test/exports/zip/safe-entry-name.test.ts",
  "test/exports/zip/zip-headers.test.ts",
  "test/import/id-set.test.ts",
  "test/jobs/backup-period.test.ts",
  "test/mail/templates.test.ts",
  "test/seed/rng-hostile.test.ts",
  "test/services/download-token.test.ts",
  "test/storage/local-blob-store.test.ts",
  "test/verify/manifest-shape.test.ts",
  "test/verify/parsers.test.ts",
  "test/web/password-hash.test.ts",
];

/** End-to-end tests: the built CLI (bin/hirevault.js → dist/) as child processes, or a browser. */
const E2E = ["test/e2e/**/*.test.ts", "test/browser/**/*.test.ts", "test/verify/verify-cli.test.ts"];

const ALL = ["test/**/*.test.ts", "src/**/*.test.ts"];

export default defineConfig({
  test: {
    // Suites create their own databases and temp dirs, so files may run in parallel;
    // two at a time fits the 2-core CI machine.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // `vitest run` runs all three; `--project unit` (npm run test:unit) runs one.
    projects: [
      { extends: true, test: { name: "unit", include: UNIT } },
      // Real SQLite and PostgreSQL, S3 and SMTP servers, the HTTP app in-process, python3/unzip.
      { extends: true, test: { name: "integration", include: ALL, exclude: [...UNIT, ...E2E] } },
      // Only these need dist/: the global setup compiles it, and runs only when one is queued.
      {
        extends: true,
        test: { name: "e2e", include: E2E, globalSetup: ["./test/support/global-setup.ts"] },
      },
    ],
  },
});
