import { entryPoints } from "../contract/display";
import type { Lookup } from "../contract/lookups";
import type { Owner } from "../contract/snapshot";
import { describeRefs } from "./format-list";

function title(owner: Owner): string {
  switch (owner.kind) {
    case "kubernetes-pod":
      return `kubernetes pod ${owner.name} (${owner.runtime}, uid ${owner.uid})`;
    case "podman-pod":
      return `podman pod ${owner.name} (${owner.id.slice(0, 12)})`;
    case "docker-container":
      return `${owner.runtime} container ${owner.name} (${owner.id.slice(0, 12)}, ${owner.networkMode ?? "?"} network)`;
    case "ip-netns":
      return `ip netns ${owner.name}`;
    case "process":
      return `process ${owner.pid} (${owner.name})`;
  }
}

/** What `nsatlas where` prints: the namespace(s), what holds them, and commands ready to paste. */
export function formatWhere(found: Lookup): string {
  const lines = [found.container ? `container ${found.container.name} in ${title(found.owner)}` : title(found.owner)];
  if (found.owner.kind === "kubernetes-pod" || found.owner.kind === "podman-pod") {
    lines.push(`  containers: ${found.owner.containers.map((c) => c.kubernetesName ?? c.name).join(", ")}`);
  }
  for (const n of found.netns) {
    const { path, ipNetnsName } = entryPoints(n);
    lines.push(`  netns ${n.id}${n.isHost ? " (the host's)" : ""}`, `    held by: ${describeRefs(n)}`);
    const addresses = n.interfaces.flatMap((i) => i.addresses.filter((a) => a.scope === "universe").map((a) => `${i.name} ${a.address}/${a.prefixLength}`));
    if (addresses.length > 0) lines.push(`    addresses: ${addresses.join(", ")}`);
    lines.push("    enter it:");
    if (path !== undefined) lines.push(`      nsenter --net=${path} ip a`);
    if (ipNetnsName !== undefined) lines.push(`      ip netns exec ${ipNetnsName} ip a`);
  }
  return `${lines.join("\n")}\n`;
}
