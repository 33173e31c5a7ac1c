import type { Netns, Owner } from "../contract/snapshot";

/** Owners that name one namespace for its whole life: a container id, a sandbox, a pod, an ip netns name. */
function identities(owners: Owner[]): string[] {
  const ids: string[] = [];
  for (const o of owners) {
    if (o.kind === "docker-container") ids.push(`container ${o.id}`);
    else if (o.kind === "kubernetes-pod") ids.push(`sandbox ${o.sandboxId}`);
    else if (o.kind === "podman-pod") ids.push(`podman-pod ${o.id}`);
    else if (o.kind === "ip-netns") ids.push(`ip-netns ${o.name}`);
  }
  return ids;
}

/**
 * Is `now` the same namespace as `before`, which had the same inode? The kernel reuses a dead
 * namespace's inode for the next one at once, so a stopped container's id often comes back for a
 * new container. When both have lasting owners and share none, it is a different namespace.
 * Namespaces known only by their processes are taken to be the same.
 */
export function isSameNetns(before: Pick<Netns, "owners">, now: Pick<Netns, "owners">): boolean {
  const was = identities(before.owners);
  const is = new Set(identities(now.owners));
  if (was.length === 0 || is.size === 0) return true;
  for (const id of was) if (is.has(id)) return true;
  return false;
}
