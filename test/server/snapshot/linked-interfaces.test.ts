/** linkedInterfaces: what the change watch must also hear of for a namespace to be read as counters only (recorded lab snapshot). */
import { describe, expect, it } from "vitest";
import { linkedInterfaces } from "../../../server/snapshot/read-namespaces";
import { labSnapshot } from "../../fixtures/lab-snapshot";

describe("linkedInterfaces", () => {
  it("lists, for each namespace, the other namespaces' interfaces its veths and macvlans lead to", () => {
    const snapshot = labSnapshot();
    const linked = linkedInterfaces(snapshot);
    expect(snapshot.netns.length).toBeGreaterThan(1);
    expect([...linked.keys()]).toEqual(snapshot.netns.map((n) => n.id));
    for (const n of snapshot.netns) {
      const refs = linked.get(n.id);
      if (n.interfaces.some((i) => i.isPeerMissing === true)) {
        expect(refs, n.id).toBeUndefined();
        continue;
      }
      const expected = n.interfaces.flatMap((i) => [i.peer, i.parent]).filter((r) => r !== undefined && r.netnsId !== n.id);
      expect(refs, n.id).toEqual(expected);
    }
    // The lab wires containers to the host: some namespace leads into it, and the host into others.
    const host = snapshot.netns.find((n) => n.isHost);
    expect([...linked.values()].some((refs) => refs?.some((r) => r.netnsId === host?.id))).toBe(true);
    expect((linked.get(host?.id ?? "") ?? []).length).toBeGreaterThan(0);
  });

  it("vouches for no namespace holding a veth whose other end was not found", () => {
    const snapshot = labSnapshot();
    const [first, ...rest] = snapshot.netns;
    if (first === undefined) throw new Error("empty lab snapshot");
    const iface = first.interfaces[0];
    if (iface === undefined) throw new Error("the lab's first namespace has no interface");
    const broken = { ...snapshot, netns: [{ ...first, interfaces: [{ ...iface, kind: "veth", isPeerMissing: true }, ...first.interfaces.slice(1)] }, ...rest] };
    expect(linkedInterfaces(broken).get(first.id)).toBeUndefined();
  });
});
