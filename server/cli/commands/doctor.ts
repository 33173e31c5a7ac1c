import { doctorReport, formatDoctor } from "../doctor-report";
import { printJson, printText } from "../output";

/** `nsatlas doctor [--json]`: the capabilities this process lacks; exit 1 when a needed one is missing. */
export function doctorCommand(options: { json: boolean }): number {
  const report = doctorReport();
  if (options.json) printJson(report);
  else printText(formatDoctor(report));
  return report.isOk ? 0 : 1;
}
