import type { Snapshot } from "../contract/snapshot";

/** "netnsId/ifindex": an interface's key across the whole node. */
export const ifaceKey = (netnsId: string, ifindex: number) => `${netnsId}/${ifindex}`;

/**
 * Groups interfaces into L2 segments: the two ends of a veth, a bridge and its ports, a macvlan and
 * its parent share one. Returns each interface's segment representative (union-find).
 */
export function l2Segments(snapshot: Pick<Snapshot, "netns">): (key: string) => string {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) ?? root;
    // Path compression keeps later look-ups flat.
    let at = k;
    while (at !== root) {
      const next = parent.get(at) ?? root;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const n of snapshot.netns) {
    for (const i of n.interfaces) {
      const key = ifaceKey(n.id, i.ifindex);
      if (i.peer !== undefined) union(key, ifaceKey(i.peer.netnsId, i.peer.ifindex));
      if (i.masterIfindex !== undefined) union(key, ifaceKey(n.id, i.masterIfindex));
      if (i.parent !== undefined && i.kind.startsWith("macv")) union(key, ifaceKey(i.parent.netnsId, i.parent.ifindex));
    }
  }
  return find;
}
