import type { Netns, Snapshot } from "../contract/snapshot";

/** "/run/netns/blue, pid 4242, pid 4243 (+12)": what holds a namespace, most telling first. */
export function describeRefs(n: Netns): string {
  const mounts = n.refs.filter((r) => r.kind === "bind-mount").map((r) => r.path ?? "?");
  const pids = n.refs.filter((r) => r.kind === "process").map((r) => `pid ${r.pid}`);
  const threads = n.refs.filter((r) => r.kind === "thread").map((r) => `tid ${r.tid}`);
  const fds = n.refs.filter((r) => r.kind === "fd").map((r) => `fd ${r.pid}/${r.fd}`);
  const shownPids = pids.slice(0, 2);
  const more = n.processCount - shownPids.length;
  const parts = [...mounts, ...shownPids, ...(more > 0 ? [`(+${more} processes)`] : []), ...threads, ...fds];
  return parts.length === 0 ? "-" : parts.join(", ");
}

/** Addresses that tell namespaces apart: everything but loopback and IPv6 link-local. */
export function describeAddresses(n: Netns): string {
  const list = n.interfaces.flatMap((i) =>
    i.addresses.filter((a) => a.scope !== "host" && !(a.family === "inet6" && a.scope === "link")).map((a) => `${a.address}/${a.prefixLength}`),
  );
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
