import { netnsAddresses, refParts } from "../contract/display";
import type { Netns, Snapshot } from "../contract/snapshot";

/** "/run/netns/blue, pid 4242, pid 4243, (+12 processes)", or "-". */
export function describeRefs(n: Netns): string {
  const parts = refParts(n);
  return parts.length === 0 ? "-" : parts.join(", ");
}

/** Addresses that tell namespaces apart (all but loopback and IPv6 link-local), or "-". */
export function describeAddresses(n: Netns): string {
  const list = netnsAddresses(n);
  return list.length === 0 ? "-" : list.join(" ");
}

/** A table like `ip netns list`, but of every namespace on the node. */
export function formatList(snapshot: Snapshot): string {
  const rows = snapshot.netns.map((n) => [
    n.id + (n.isHost ? " (host)" : n.isGone ? " (gone)" : ""),
    n.owners.length === 0 ? "-" : n.owners.map((o) => `${o.kind}:${o.name}`).join(", "),
    String(n.interfaces.length),
    describeRefs(n),
    describeAddresses(n),
  ]);
  const header = ["NETNS", "OWNERS", "IFACES", "REFS", "ADDRESSES"];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const footer = snapshot.staleFiles.length > 0 ? `\nstale namespace files (not namespaces): ${snapshot.staleFiles.join(", ")}` : "";
  return [line(header), ...rows.map(line)].join("\n") + footer + "\n";
}
