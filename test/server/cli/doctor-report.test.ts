/** doctorReport / formatDoctor: capabilities read from a /proc/PID/status text. */
import { describe, expect, it } from "vitest";
import { doctorReport, doctorReportSchema, formatDoctor } from "../../../server/cli/doctor-report";

const status = (capEff: string) => `Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t${capEff}\nCapBnd:\t000001ffffffffff\n`;

describe("doctorReport", () => {
  it("full root: every capability present, ok", () => {
    const report = doctorReport(status("000001ffffffffff"));
    expect(doctorReportSchema.parse(report)).toEqual(report);
    expect(report.isOk).toBe(true);
    expect(report.capabilities.map((c) => [c.name, c.isOptional, c.isPresent])).toEqual([
      ["CAP_SYS_ADMIN", false, true],
      ["CAP_SYS_PTRACE", false, true],
      ["CAP_DAC_READ_SEARCH", false, true],
      ["CAP_NET_BROADCAST", true, true],
    ]);
    expect(formatDoctor(report)).toBe("ok       CAP_SYS_ADMIN\nok       CAP_SYS_PTRACE\nok       CAP_DAC_READ_SEARCH\nok       CAP_NET_BROADCAST\n");
  });

  it("CAP_SYS_ADMIN only (bit 21): ptrace missing, not ok; broadcast optional", () => {
    const report = doctorReport(status((1 << 21).toString(16).padStart(16, "0")));
    expect(report.isOk).toBe(false);
    const text = formatDoctor(report).split("\n");
    expect(text[0]).toBe("ok       CAP_SYS_ADMIN");
    expect(text[1]).toMatch(/^missing {2}CAP_SYS_PTRACE: other processes' namespaces/);
    expect(text[2]).toMatch(/^missing {2}CAP_DAC_READ_SEARCH: the fd tables of processes running as another user/);
    expect(text[3]).toMatch(/^without {2}CAP_NET_BROADCAST \(optional\): /);
  });

  it("a missing optional capability alone keeps the report ok", () => {
    const needed = ((1 << 21) | (1 << 19) | (1 << 2)).toString(16).padStart(16, "0");
    const report = doctorReport(status(needed));
    expect(report.isOk).toBe(true);
    expect(report.capabilities.find((c) => c.name === "CAP_NET_BROADCAST")?.isPresent).toBe(false);
  });
});
