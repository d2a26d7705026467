import { describe, expect, it } from "vitest";
import { localTimeText } from "../../src/domain/local-time.js";
import { exportFailedEmail } from "../../src/mail/templates/export-failed.js";
import { exportReadyEmail } from "../../src/mail/templates/export-ready.js";

describe("email templates (docs/EXPORTS.md#email)", () => {
  it("shows instants in the account's zone with its UTC offset at that instant", () => {
    const winter = new Date("2026-12-01T10:00:00Z");
    const summer = new Date("2026-07-01T10:00:00Z");
    expect(localTimeText(winter, "Europe/London")).toBe("2026-12-01 10:00 Europe/London (UTC+00:00)");
    expect(localTimeText(summer, "Europe/London")).toBe("2026-07-01 11:00 Europe/London (UTC+01:00)");
    expect(localTimeText(winter, "Asia/Kolkata")).toBe("2026-12-01 15:30 Asia/Kolkata (UTC+05:30)");
    expect(localTimeText(winter, "America/New_York")).toBe("2026-12-01 05:00 America/New_York (UTC-05:00)");
    expect(localTimeText(new Date("2026-12-31T23:30:00Z"), "America/St_Johns")).toBe(
      "2026-12-31 20:00 America/St_Johns (UTC-03:30)",
    );
    expect(localTimeText(winter, "Not/AZone")).toBe("2026-12-01 10:00 UTC (UTC+00:00)");
  });

  it("ready: the link and its expiry, in text and HTML, user data escaped and kept on one line", () => {
    const url = "https://hr.example.com/downloads/AAAA.BBBB";
    const mail = exportReadyEmail({
      accountName: 'Acme <script>alert(1)</script>\r\nBcc: victim@example.com "Ltd"',
      timeZone: "Europe/Berlin",
      formatLabel: "Full data export",
      url,
      expiresAt: new Date("2026-12-01T10:00:00Z"),
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain("Full data export of Acme");
    expect(mail.text).toContain(url);
    expect(mail.text).toContain("2026-12-01 11:00 Europe/Berlin (UTC+01:00)");
    expect(mail.html).toContain(`<a href="${url}">`);
    expect(mail.html).toContain("2026-12-01 11:00 Europe/Berlin (UTC+01:00)");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;");
    expect(mail.html).not.toMatch(/<img|<link|src=|style=/i); // no third-party resources (docs/EXPORTS.md#links-and-downloads)
  });

  it("failed: the run's reason and id, no link", () => {
    const mail = exportFailedEmail({
      accountName: "Acme",
      timeZone: "UTC",
      formatLabel: "Full data export",
      exportRunId: "0190a000-0000-7000-8000-000000000001",
      reason: "PermanentExportError: <bad> template",
      failedAt: new Date("2026-11-24T10:00:00Z"),
    });
    expect(mail.subject).toBe("Full data export of Acme failed");
    expect(mail.text).toContain("Reason: PermanentExportError: <bad> template");
    expect(mail.text).toContain("0190a000-0000-7000-8000-000000000001");
    expect(mail.text).toContain("2026-11-24 10:00 UTC (UTC+00:00)");
    expect(mail.html).toContain("PermanentExportError: &lt;bad&gt; template");
    expect(mail.text + mail.html).not.toContain("/downloads/");
  });
});
