/** The presentation rules shared by the CLI, the report and the UI, on hand-made namespaces and on the lab's snapshot. */
import { describe, expect, it } from "vitest";
import type { Anomaly } from "../../../server/contract/anomaly";
import {
  enterCommands,
  listenerText,
  netnsAddresses,
  netnsKinds,
  netnsLabel,
  OWNER_KIND_TEXT,
  OWNER_KINDS,
  ownersText,
  refParts,
  routeText,
  sortAnomalies,
} from "../../../server/contract/display";
import type { Netns, Owner, Route } from "../../../server/contract/snapshot";
import { labSnapshot } from "../../fixtures/lab-snapshot";

const pod: Owner = {
  kind: "kubernetes-pod",
  runtime: "containerd-cri",
  namespace: "shop",
  name: "shop/web-0",
  podName: "web-0",
  uid: "u1",
  sandboxId: "s1",
  containers: [],
};
const cniName: Owner = { kind: "ip-netns", name: "cni-1234" };
const sleeper: Owner = { kind: "process", pid: 42, name: "sleep 1000" };
const netns = (over: Partial<Netns>): Netns => ({
  id: "4026532000",
  isHost: false,
  refs: [],
  processCount: 0,
  owners: [],
  interfaces: [],
  routes: [],
  isGone: false,
  errors: [],
  ...over,
});

describe("owner kinds", () => {
  it("lists every kind once, each with its text", () => {
    expect([...OWNER_KINDS].sort()).toEqual(Object.keys(OWNER_KIND_TEXT).sort());
  });

  it("gives a namespace its owners' kinds in display order, host for the node's own, none when nothing owns it", () => {
    expect(netnsKinds(netns({ owners: [cniName, pod] }))).toEqual(["kubernetes-pod", "ip-netns"]);
    expect(netnsKinds(netns({ isHost: true, owners: [sleeper] }))).toEqual(["process", "host"]);
    expect(netnsKinds(netns({}))).toEqual(["none"]);
  });
});

describe("naming a namespace", () => {
  it("is host for the node's own, its best-ranked owner whatever the order, else its id", () => {
    expect(netnsLabel(netns({ isHost: true, owners: [pod] }))).toBe("host");
    expect(netnsLabel(netns({ owners: [cniName, pod] }))).toBe("shop/web-0");
    expect(netnsLabel(netns({ owners: [sleeper, cniName] }))).toBe("cni-1234");
    expect(netnsLabel(netns({}))).toBe("netns 4026532000");
  });

  it("lists every owner with its kind, the host first, or says there is none", () => {
    expect(ownersText(netns({ isHost: true, owners: [sleeper] }))).toBe("host, process sleep 1000");
    expect(ownersText(netns({ owners: [pod, cniName] }))).toBe("kubernetes-pod shop/web-0, ip-netns cni-1234");
    expect(ownersText(netns({}))).toBe("no owner");
  });
});

describe("what holds a namespace and how to enter it", () => {
  const held = netns({
    refs: [
      { kind: "fd", pid: 7, fd: 3 },
      { kind: "process", pid: 10 },
      { kind: "thread", pid: 8, tid: 9 },
      { kind: "process", pid: 11 },
      { kind: "process", pid: 12 },
      { kind: "bind-mount", path: "/run/netns/blue" },
    ],
    processCount: 5,
    owners: [{ kind: "ip-netns", name: "blue" }],
  });

  it("names bind mounts, two processes and how many more, threads, then fds", () => {
    expect(refParts(held)).toEqual(["/run/netns/blue", "pid 10", "pid 11", "(+3 processes)", "tid 9", "fd 7/3"]);
  });

  it("enters through the agent's own bind mount, else a process, and by ip netns name", () => {
    expect(enterCommands(held)).toEqual(["nsenter --net=/run/netns/blue ip a", "nsenter --net=/run/netns/blue ss -tulpn", "ip netns exec blue ip a"]);
    const elsewhere = netns({
      refs: [
        { kind: "bind-mount", path: "/x", mountNamespace: "4026531840" },
        { kind: "process", pid: 10 },
      ],
    });
    expect(enterCommands(elsewhere)).toEqual(["nsenter --net=/proc/10/ns/net ip a", "nsenter --net=/proc/10/ns/net ss -tulpn"]);
    expect(enterCommands(netns({}))).toEqual([]);
  });
});

describe("addresses, routes and listeners", () => {
  it("shows the lab's addresses as CIDR, without loopback or IPv6 link-local", () => {
    const shown = labSnapshot().netns.flatMap(netnsAddresses);
    expect(shown.length).toBeGreaterThan(0);
    for (const a of shown) expect(a).toMatch(/^(?!127\.|::1\/|fe80:).+\/\d+$/);
  });

  it("writes a route as ip route does, with the table only when it is not main", () => {
    const route: Route = { family: "inet", table: 254, type: "unicast", protocol: "static", scope: "universe", destination: "default", isMultipath: false };
    expect(routeText({ ...route, gateway: "10.0.0.1", outIfindex: 2 }, () => "eth0")).toBe("default via 10.0.0.1 dev eth0");
    expect(routeText({ ...route, type: "blackhole", destination: "10.9.0.0/16", table: 100 }, () => "unused")).toBe("blackhole 10.9.0.0/16 table 100");
  });

  it("brackets an IPv6 listener's address", () => {
    expect(listenerText({ protocol: "udp", family: "inet6", address: "::", port: 53, processes: [] })).toBe("udp [::]:53");
    expect(listenerText({ protocol: "tcp", family: "inet", address: "0.0.0.0", port: 80, processes: [] })).toBe("tcp 0.0.0.0:80");
  });
});

describe("sortAnomalies", () => {
  it("puts critical ones first and keeps the order found otherwise", () => {
    const a = (kind: Anomaly["kind"], severity: Anomaly["severity"]): Anomaly => ({ kind, severity, places: [{ netnsId: "1" }], message: kind });
    const found = [a("promiscuous", "warning"), a("duplicate-address", "critical"), a("mtu-mismatch", "warning"), a("default-route-down", "critical")];
    expect(sortAnomalies(found).map((x) => x.kind)).toEqual(["duplicate-address", "default-route-down", "promiscuous", "mtu-mismatch"]);
    expect(found[0]?.kind).toBe("promiscuous");
  });
});
