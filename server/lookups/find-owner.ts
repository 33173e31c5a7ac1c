import type { Lookup } from "../contract/lookups";
import type { Netns, Owner, Snapshot } from "../contract/snapshot";

/** The Kubernetes pod `namespace/name` and every namespace it owns, or undefined. */
export function findPod(snapshot: Snapshot, namespace: string, name: string): Lookup | undefined {
  let owner: Owner | undefined;
  const netns: Netns[] = [];
  for (const n of snapshot.netns) {
    const o = n.owners.find((x) => x.kind === "kubernetes-pod" && x.namespace === namespace && x.podName === name);
    if (o !== undefined) {
      owner ??= o;
      netns.push(n);
    }
  }
  return owner === undefined ? undefined : { owner, netns };
}

/** A namespace by its `ip netns` name (the name under /run/netns). */
export function findIpNetns(snapshot: Snapshot, name: string): Lookup | undefined {
  for (const n of snapshot.netns) {
    const o = n.owners.find((x) => x.kind === "ip-netns" && x.name === name);
    if (o !== undefined) return { owner: o, netns: [n] };
  }
  return undefined;
}

/** A podman pod by name or id. */
export function findPodmanPod(snapshot: Snapshot, nameOrId: string): Lookup | undefined {
  for (const n of snapshot.netns) {
    const o = n.owners.find((x) => x.kind === "podman-pod" && (x.name === nameOrId || x.id === nameOrId));
    if (o !== undefined) return { owner: o, netns: [n] };
  }
  return undefined;
}

const matches = (id: string, name: string, query: string) =>
  name === query || id === query || (query.length >= 6 && /^[0-9a-f]+$/.test(query) && id.startsWith(query));

/**
 * A container by name, full id or id prefix (6+ hex digits), standalone or inside a pod: with its
 * owner (itself, or its pod) and every namespace it is found in.
 */
export function findContainer(snapshot: Snapshot, query: string): Lookup | undefined {
  let found: Omit<Lookup, "netns"> | undefined;
  const netns: Netns[] = [];
  for (const n of snapshot.netns) {
    for (const o of n.owners) {
      let hit: Omit<Lookup, "netns"> | undefined;
      if (o.kind === "docker-container" && matches(o.id, o.name, query)) hit = { owner: o };
      else if (o.kind === "kubernetes-pod" || o.kind === "podman-pod") {
        const c = o.containers.find((x) => matches(x.id, x.name, query));
        if (c !== undefined) hit = { owner: o, container: c };
      }
      if (hit !== undefined) {
        found ??= hit;
        if (!netns.includes(n)) netns.push(n);
      }
    }
  }
  return found === undefined ? undefined : { ...found, netns };
}
