import * as z from "zod";
import { missingCapabilities, NEEDED_CAPABILITIES, OPTIONAL_CAPABILITIES } from "../privileges";

/** `nsatlas doctor --json`: every capability nsatlas uses, whether this process has it, and what lacking it costs. */
export const doctorReportSchema = z.object({
  /** False when a needed capability is missing (an optional one only costs CPU). */
  isOk: z.boolean(),
  capabilities: z.array(
    z.object({
      name: z.string(),
      isOptional: z.boolean(),
      isPresent: z.boolean(),
      /** What stops working (or costs more) without it. */
      degrades: z.string(),
    }),
  ),
});
export type DoctorReport = z.infer<typeof doctorReportSchema>;

/** This process's capabilities, read from /proc/self/status. */
export function doctorReport(status?: string): DoctorReport {
  const missingNeeded = new Set(missingCapabilities(status).map((c) => c.name));
  const missingOptional = new Set(missingCapabilities(status, OPTIONAL_CAPABILITIES).map((c) => c.name));
  const capabilities = [
    ...NEEDED_CAPABILITIES.map((c) => ({ name: c.name, isOptional: false, isPresent: !missingNeeded.has(c.name), degrades: c.degrades })),
    ...OPTIONAL_CAPABILITIES.map((c) => ({ name: c.name, isOptional: true, isPresent: !missingOptional.has(c.name), degrades: c.degrades })),
  ];
  return { isOk: missingNeeded.size === 0, capabilities };
}

/** One line a capability: "ok", "missing" (needed) or "without" (optional), and what it costs. */
export function formatDoctor(report: DoctorReport): string {
  const lines = report.capabilities.map((c) =>
    c.isPresent ? `ok       ${c.name}` : c.isOptional ? `without  ${c.name} (optional): ${c.degrades}` : `missing  ${c.name}: ${c.degrades}`,
  );
  return `${lines.join("\n")}\n`;
}
