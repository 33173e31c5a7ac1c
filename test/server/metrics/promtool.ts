/** `promtool check metrics` (Debian package prometheus) over a metrics text; a missing promtool fails the test, it never skips it. */
import { spawnSync } from "node:child_process";

/** prom-client's own default gauges whose names end in _total: promtool's linter flags them, nsatlas cannot rename them. */
export const DEFAULT_METRICS_LINT = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];

export function promtoolCheck(text: string): { status: number | null; problems: string[] } {
  const result = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
  if (result.error !== undefined) throw new Error(`promtool cannot run (${result.error.message}): install the Debian package "prometheus"`);
  return { status: result.status, problems: `${result.stdout}${result.stderr}`.split("\n").filter((l) => l.trim() !== "") };
}

/** The lines of the families whose names start with `prefix` (HELP, TYPE and samples). */
export function familiesNamed(text: string, prefix: string): string {
  const lines = text.split("\n").filter((line) => {
    const name = line.startsWith("# ") ? line.split(" ")[2] : line.split(/[{ ]/)[0];
    return name?.startsWith(prefix) === true;
  });
  return `${lines.join("\n")}\n`;
}
