import { InterfaceIndex } from "./interface-index";

/** "netnsId/ifindex": an interface's key across the whole node. */
export const ifaceKey = (netnsId: string, ifindex: number) => `${netnsId}/${ifindex}`;

/**
 * Groups interfaces into L2 segments: the two ends of a veth, a bridge and its ports, a macvlan and
 * its parent share one. Returns each interface's segment number (union-find over the index's slots;
 * an interface referred to but not in the snapshot, such as a missing bridge, still joins its ports).
 */
export function l2Segments(index: InterfaceIndex): (slot: number) => number {
  const parent: number[] = [];
  for (let s = 0; s < index.all.length; s++) parent.push(s);
  const missing = new Map<string, number>();
  const slotOf = (netnsId: string, ifindex: number): number => {
    const at = index.get(netnsId, ifindex);
    if (at !== undefined) return at.slot;
    const key = ifaceKey(netnsId, ifindex);
    let slot = missing.get(key);
    if (slot === undefined) {
      slot = parent.length;
      parent.push(slot);
      missing.set(key, slot);
    }
    return slot;
  };
  const find = (s: number): number => {
    let root = s;
    while (parent[root] !== root) root = parent[root] ?? root;
    // Path compression keeps later look-ups flat.
    let at = s;
    while (at !== root) {
      const next = parent[at] ?? root;
      parent[at] = root;
      at = next;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[ra] = rb;
  };
  for (const { netns, iface, slot } of index.all) {
    if (iface.peer !== undefined) union(slot, slotOf(iface.peer.netnsId, iface.peer.ifindex));
    if (iface.masterIfindex !== undefined) union(slot, slotOf(netns.id, iface.masterIfindex));
    if (iface.parent !== undefined && iface.kind.startsWith("macv")) union(slot, slotOf(iface.parent.netnsId, iface.parent.ifindex));
  }
  return find;
}
