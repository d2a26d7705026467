import { describe, expect, it } from "vitest";
import {
  addCalendarMonths,
  latestDuePeriod,
  nextOccurrence,
  occurrence,
  periodOf,
  startOfLocalDay,
} from "../../src/domain/backup-period.js";

const iso = (d: Date) => d.toISOString();

describe("monthly backup periods (docs/EXPORTS.md#monthly-schedule)", () => {
  it("is due at local midnight of the anchor day, clamped to the month's last day", () => {
    expect(iso(occurrence(2026, 11, 24, "UTC"))).toBe("2026-11-24T00:00:00.000Z");
    expect(iso(occurrence(2027, 2, 31, "UTC"))).toBe("2027-02-28T00:00:00.000Z");
    expect(iso(occurrence(2028, 2, 31, "UTC"))).toBe("2028-02-29T00:00:00.000Z");
    expect(iso(occurrence(2026, 4, 31, "Europe/Berlin"))).toBe("2026-04-29T22:00:00.000Z");
    expect(iso(occurrence(2026, 12, 15, "America/New_York"))).toBe("2026-12-15T05:00:00.000Z");
    expect(iso(occurrence(2026, 7, 1, "Asia/Kolkata"))).toBe("2026-06-30T18:30:00.000Z");
  });

  it("follows DST: the same local midnight has a different UTC instant in summer and winter", () => {
    expect(iso(occurrence(2026, 3, 28, "Europe/London"))).toBe("2026-03-28T00:00:00.000Z");
    expect(iso(occurrence(2026, 3, 30, "Europe/London"))).toBe("2026-03-29T23:00:00.000Z");
    expect(iso(occurrence(2026, 10, 25, "Europe/London"))).toBe("2026-10-24T23:00:00.000Z");
    expect(iso(occurrence(2026, 10, 26, "Europe/London"))).toBe("2026-10-26T00:00:00.000Z");
  });

  it("starts a day whose midnight does not exist at its first existing minute", () => {
    // Chile moves clocks from 24:00 to 01:00 on the first Sunday of September (2026-09-06).
    const start = startOfLocalDay({ year: 2026, month: 9, day: 6 }, "America/Santiago");
    expect(iso(start)).toBe("2026-09-06T04:00:00.000Z"); // 01:00 local, UTC-3
  });

  it("names the period by the local month, at the month's edges", () => {
    // 23:59:59 on Nov 30 in Berlin is still November; one second later it is December.
    expect(periodOf(new Date("2026-11-30T22:59:59Z"), "Europe/Berlin")).toBe("2026-11");
    expect(periodOf(new Date("2026-11-30T23:00:00Z"), "Europe/Berlin")).toBe("2026-12");
    expect(periodOf(new Date("2026-12-01T04:59:59Z"), "America/New_York")).toBe("2026-11");
  });

  it("gives the latest due period only: a scheduler down for months makes one backup", () => {
    const tz = "Europe/London";
    expect(latestDuePeriod(new Date("2026-12-23T23:59:59Z"), 24, tz).period).toBe("2026-11");
    expect(latestDuePeriod(new Date("2026-12-24T00:00:00Z"), 24, tz).period).toBe("2026-12");
    // Down from Dec 20 to Mar 3: only February's backup is due, once.
    expect(latestDuePeriod(new Date("2027-03-03T09:00:00Z"), 24, tz)).toEqual({
      period: "2027-02",
      dueAt: new Date("2027-02-24T00:00:00Z"),
    });
    // Anchor 31 in February: due on the 28th.
    expect(latestDuePeriod(new Date("2027-02-28T00:00:00Z"), 31, "UTC").period).toBe("2027-02");
    expect(latestDuePeriod(new Date("2027-02-27T23:59:59Z"), 31, "UTC").period).toBe("2027-01");
  });

  it("tells the next backup time strictly after now", () => {
    const tz = "Europe/London";
    expect(iso(nextOccurrence(new Date("2026-11-24T10:00:00Z"), 24, tz))).toBe("2026-12-24T00:00:00.000Z");
    expect(iso(nextOccurrence(new Date("2026-11-23T10:00:00Z"), 24, tz))).toBe("2026-11-24T00:00:00.000Z");
    expect(iso(nextOccurrence(new Date("2027-01-31T10:00:00Z"), 31, "UTC"))).toBe("2027-02-28T00:00:00.000Z");
  });

  it("adds calendar months for retention, clamping the day", () => {
    expect(iso(addCalendarMonths(new Date("2026-11-30T12:00:00Z"), 3))).toBe("2027-02-28T12:00:00.000Z");
    expect(iso(addCalendarMonths(new Date("2026-01-15T00:00:00Z"), 3))).toBe("2026-04-15T00:00:00.000Z");
  });
});
