import * as z from "zod";
import { parseConfig } from "../../config";
import { runtimeStatusSchema, splitEngineMessage, type RuntimeStatus } from "../../contract/runtime-status";
import { probeEngines } from "../../runtimes/probe-engines";
import { doctorReport, doctorReportSchema, formatDoctor } from "../doctor-report";
import { printJson, printText } from "../output";

/**
 * `nsatlas doctor --json`: the capabilities (doctorReportSchema) and how every container engine answered
 * a version call, each with where its socket came from and, when discovered, every path tried (the
 * `runtimes` entries of /api/v1/healthz).
 */
export const doctorOutputSchema = doctorReportSchema.extend({ engines: z.array(runtimeStatusSchema) });
export type DoctorOutput = z.infer<typeof doctorOutputSchema>;

/** `nsatlas doctor [--json]`: the capabilities this process lacks and the engines it finds; exit 1 when a needed capability is missing. */
export async function doctorCommand(options: { json: boolean }): Promise<number> {
  const config = parseConfig(process.env);
  const report = doctorReport();
  const engines = await probeEngines(config);
  const output: DoctorOutput = { ...report, engines };
  if (options.json) printJson(output);
  else printText(`${formatDoctor(report)}\n${formatEngines(engines)}`);
  // Engines inform; they do not fail the check (a node runs the engines it runs).
  return report.isOk ? 0 : 1;
}

/**
 * One line per engine endpoint: engine, state, socket, where the path came from, and the version or what
 * to do; then, for a discovered engine, every path tried with its state.
 */
export function formatEngines(engines: RuntimeStatus[]): string {
  if (engines.length === 0) return "engines: none configured\n";
  const lines = ["engines:"];
  let previousCandidates = "";
  for (const engine of engines) {
    const from = engine.source === undefined ? "" : ` (${engine.source})`;
    const version = engine.version === undefined ? "" : `  ${engine.version}`;
    lines.push(`  ${engine.name.padEnd(15)} ${engine.state.padEnd(13)}${engine.endpoint}${from}${version}`);
    if (engine.state !== "ok") {
      const { problem, action } = splitEngineMessage(engine);
      lines.push(`${" ".repeat(31)}${problem}${engine.detail === undefined ? "" : ` (${engine.detail})`}${action === undefined ? "" : `: ${action}`}`);
    }
    // Two sockets of one engine that both answer (rootful and rootless Docker) share one list: printed once.
    const candidates = JSON.stringify(engine.candidates ?? []);
    if (engine.candidates === undefined || candidates === previousCandidates) continue;
    previousCandidates = candidates;
    lines.push(`${" ".repeat(18)}tried:`);
    for (const c of engine.candidates) {
      const notes = [c.source, ...(c.sameAs === undefined ? [] : [`same socket as ${c.sameAs}`]), ...(c.detail === undefined ? [] : [c.detail])];
      lines.push(`${" ".repeat(18)}${c.state.padEnd(13)}${c.endpoint} (${notes.join(", ")})`);
    }
  }
  return `${lines.join("\n")}\n`;
}
