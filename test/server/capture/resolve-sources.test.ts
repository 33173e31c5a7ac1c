import { describe, expect, it } from "vitest";
import { CaptureError } from "../../../server/capture/capture-error";
import { resolveSources } from "../../../server/capture/resolve-sources";
import type { CaptureTarget } from "../../../server/contract/capture";
import type { Interface, Netns, Owner, Snapshot } from "../../../server/contract/snapshot";

const iface = (ifindex: number, name: string, extra: Partial<Interface> = {}): Interface => ({
  ifindex,
  name,
  kind: "veth",
  mtu: 1500,
  operState: "up",
  isUp: true,
  isPromiscuous: false,
  addresses: [],
  ...extra,
});

const netns = (id: string, interfaces: Interface[], owners: Owner[] = [], isHost = false): Netns => ({
  id,
  isHost,
  refs: [],
  processCount: 0,
  owners,
  interfaces,
  routes: [],
  isGone: false,
  errors: [],
});

const pod: Owner = {
  kind: "kubernetes-pod",
  runtime: "containerd-cri",
  namespace: "shop",
  name: "shop/api-7f9",
  podName: "api-7f9",
  uid: "u",
  sandboxId: "s",
  containers: [],
};

const snapshot = {
  netns: [
    netns(
      "1",
      [iface(1, "lo", { kind: "loopback" }), iface(2, "eth0", { kind: "device" }), iface(9, "veth9", { peer: { netnsId: "2", ifindex: 3 } })],
      [],
      true,
    ),
    netns("2", [iface(1, "lo", { kind: "loopback" }), iface(3, "eth0", { peer: { netnsId: "1", ifindex: 9 } })], [pod]),
    netns("3", [iface(4, "eth0", { isPeerMissing: true })], [{ kind: "ip-netns", name: "blue" }]),
    netns(
      "4",
      Array.from({ length: 9 }, (_, i) => iface(i + 1, `eth${i}`)),
      [{ ...pod, name: "big/pod", namespace: "big", podName: "pod" }],
    ),
  ],
} as unknown as Snapshot;

function refusal(work: () => unknown): [number, string] | undefined {
  try {
    work();
  } catch (err) {
    if (err instanceof CaptureError) return [err.status, err.message];
    throw err;
  }
  return undefined;
}

describe("resolveSources", () => {
  it("labels interfaces <owner>/<iface>", () => {
    const found = resolveSources(snapshot, {
      kind: "sources",
      sources: [
        { netnsId: "1", iface: "eth0" },
        { netnsId: "2", iface: "eth0" },
        { netnsId: "3", iface: "eth0" },
      ],
    });
    expect(found.map((s) => s.label)).toEqual(["host/eth0", "shop/api-7f9/eth0", "blue/eth0"]);
  });

  it("takes every interface of a pod, and a veth with its peer", () => {
    expect(resolveSources(snapshot, { kind: "pod", namespace: "shop", name: "api-7f9" }).map((s) => s.label)).toEqual(["shop/api-7f9/lo", "shop/api-7f9/eth0"]);
    expect(resolveSources(snapshot, { kind: "veth", source: { netnsId: "1", iface: "veth9" } }).map((s) => s.label)).toEqual([
      "host/veth9",
      "shop/api-7f9/eth0",
    ]);
  });

  const refusals: Array<[CaptureTarget, number, RegExp]> = [
    [{ kind: "sources", sources: [{ netnsId: "77", iface: "eth0" }] }, 404, /no network namespace with inode 77/],
    [{ kind: "sources", sources: [{ netnsId: "2", iface: "eth7" }] }, 404, /has no interface eth7 \(it has lo, eth0\)/],
    [{ kind: "pod", namespace: "shop", name: "gone" }, 404, /no pod shop\/gone/],
    [{ kind: "pod", namespace: "big", name: "pod" }, 400, /9 interfaces/],
    [{ kind: "veth", source: { netnsId: "1", iface: "eth0" } }, 400, /device interface, not a veth/],
    [{ kind: "veth", source: { netnsId: "3", iface: "eth0" } }, 404, /other end/],
  ];
  it.each(refusals)("refuses %j with %i", (target, status, message) => {
    const r = refusal(() => resolveSources(snapshot, target));
    expect(r?.[0]).toBe(status);
    expect(r?.[1]).toMatch(message);
  });
});
