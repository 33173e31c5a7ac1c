import type { Diff } from "@/server/contract/diff";
import { ANOMALY_KIND_LABELS, ifaceAddresses, ownersText, sortAnomalies } from "@/server/contract/display";
import type { OverviewNetns, SnapshotOverview } from "@/server/contract/snapshot";

/** Text safe inside a Markdown table cell or line: no pipes, HTML, backticks or line breaks. */
export function mdText(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/`/g, "'");
}

const addresses = (n: OverviewNetns) => n.interfaces.flatMap((i) => ifaceAddresses(i).map((a) => `${i.name} ${a}`));

/**
 * An incident report in Markdown (pure): the snapshot's node, engines, anomalies, the changes of a
 * diff when given, every namespace with its owners and addresses, and the topology as an SVG image.
 */
export function buildReport({ snapshot, diff, svg, link }: { snapshot: SnapshotOverview; diff?: Diff; svg?: string; link?: string }): string {
  const lines: string[] = [];
  lines.push(`# nsatlas report: ${mdText(snapshot.node.hostname)}`, "");
  lines.push(`- Snapshot: \`${mdText(snapshot.id)}\`, taken ${snapshot.takenAt}${link ? ` ([open](${link}))` : ""}`);
  lines.push(`- Kernel: ${mdText(snapshot.node.kernel)}`);
  lines.push(
    `- Engines: ${snapshot.runtimes.map((r) => `${r.name} ${r.state}${r.state === "ok" ? "" : ` (${mdText(r.message)})`}`).join("; ") || "none configured"}`,
  );
  lines.push(`- Namespaces: ${snapshot.netns.length}`, "");

  lines.push(`## Anomalies (${snapshot.anomalies.length})`, "");
  if (snapshot.anomalies.length === 0) lines.push("None found.");
  for (const a of sortAnomalies(snapshot.anomalies)) lines.push(`- **${a.severity}** ${ANOMALY_KIND_LABELS[a.kind]}: ${mdText(a.message)}`);
  lines.push("");

  if (diff !== undefined) {
    lines.push(`## Changes from ${diff.from.isLive ? "now" : diff.from.takenAt} to ${diff.to.isLive ? "now" : diff.to.takenAt}`, "");
    if (diff.changes.length === 0) lines.push("Nothing changed in the network.");
    for (const c of diff.changes) lines.push(`- ${mdText(c.netnsLabel)}: ${mdText(c.text)}`);
    const losing = diff.counters.filter((c) => c.isLosing);
    if (losing.length > 0) {
      lines.push("", "| interface | namespace | rx drops | tx drops | rx errors | tx errors |", "|---|---|---|---|---|---|");
      for (const c of losing)
        lines.push(
          `| ${mdText(c.ifaceName)} | ${mdText(c.netnsLabel)} | +${c.delta.rxDropped} | +${c.delta.txDropped} | +${c.delta.rxErrors} | +${c.delta.txErrors} |`,
        );
    }
    lines.push("");
  }

  lines.push("## Namespaces", "", "| netns | owners | interfaces | addresses |", "|---|---|---|---|");
  for (const n of snapshot.netns) lines.push(`| ${n.id} | ${mdText(ownersText(n))} | ${n.interfaces.length} | ${mdText(addresses(n).join(", ") || "-")} |`);
  lines.push("");

  if (svg !== undefined) {
    const base64 = toBase64(new TextEncoder().encode(svg));
    lines.push("## Topology", "", `![topology of ${mdText(snapshot.node.hostname)}](data:image/svg+xml;base64,${base64})`, "");
  }
  return lines.join("\n");
}

/** btoa over bytes, in chunks (a spread of a large graph's bytes would overflow the call stack). */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
