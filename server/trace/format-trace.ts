/** A trace as text (`nsatlas trace` without --json): one line per hop, then the verdict and what was not evaluated. */
import type { TraceResult } from "../contract/trace";

function flowText(q: TraceResult["query"]): string {
  const parts = [q.proto, q.sport === undefined ? undefined : `sport ${q.sport}`, q.dport === undefined ? undefined : `dport ${q.dport}`];
  const text = parts.filter((p) => p !== undefined).join(" ");
  return text === "" ? "" : `, ${text}`;
}

export function formatTrace(result: TraceResult): string {
  const first = result.hops[0];
  const from = first === undefined ? `netns ${result.query.from}` : `${first.label} (netns ${first.netnsId})`;
  const source = result.source === undefined ? "" : `, source ${result.source}`;
  const lines = [`trace ${result.query.to} from ${from}${flowText(result.query)}${source}`];
  const labelWidth = Math.min(32, Math.max(...result.hops.map((h) => h.label.length), 5));
  result.hops.forEach((hop, i) => {
    const ways = `${hop.in ?? ""} → ${hop.out ?? ""}${hop.via === undefined ? "" : ` via ${hop.via}`}`.trim();
    lines.push(`${String(i + 1).padStart(3)}  ${hop.label.padEnd(labelWidth)}  ${hop.kind.padEnd(6)}  ${ways.padEnd(24)}  ${hop.route}`);
    for (const note of hop.notes) lines.push(`${" ".repeat(labelWidth + 15)}${note}`);
  });
  lines.push(`verdict: ${result.verdict}: ${result.detail}`);
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  lines.push(`netfilter: ${result.netfilter} (iptables/nftables rules may still drop what the routing lets through)`);
  return `${lines.join("\n")}\n`;
}
