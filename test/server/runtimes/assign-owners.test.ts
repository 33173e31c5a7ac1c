/** assignOwners (pure) on workloads recorded from the lab's Docker, placed by the manifest's pids. */
import { describe, expect, it } from "vitest";
import { assignOwners, type OwnableNetns } from "../../../server/runtimes/assign-owners";
import type { PlacedWorkload } from "../../../server/runtimes/collect-workloads";
import { dockerInspectSchema, mapDockerContainer } from "../../../server/runtimes/map-docker-container";
import { dockerFixture } from "./engine-fixtures";

const HOST = "host-netns";

describe("assignOwners", () => {
  const f = dockerFixture();
  const inodeOfPid = new Map(f.lab.netns.flatMap((n) => n.pids.map((pid) => [pid, n.inode] as const)));
  const workloads: PlacedWorkload[] = Object.values(f.inspect).map((raw) => {
    const w = mapDockerContainer("docker", dockerInspectSchema.parse(raw));
    const netnsId = w.networkMode === "host" ? HOST : w.pid === undefined ? undefined : inodeOfPid.get(w.pid);
    return netnsId === undefined ? w : { ...w, netnsId };
  });
  const netns: OwnableNetns[] = [
    { id: HOST, isHost: true, refs: [], pids: [1] },
    ...f.lab.netns.map((n) => ({ id: n.inode, isHost: false, refs: n.paths.map((path) => ({ kind: "bind-mount" as const, path })), pids: n.pids })),
  ];
  const owners = assignOwners(netns, workloads, (pid) => ({ name: `process ${pid}` }));

  const countOf = (kind: string) => f.lab.netns.filter((n) => n.owner.kind === kind).length;

  it("gives each container namespace its container, and no process owner", () => {
    expect(countOf("docker-container")).toBeGreaterThan(0);
    for (const n of f.lab.netns) {
      if (n.owner.kind !== "docker-container") continue;
      expect(
        owners.get(n.inode)?.map((o) => [o.kind, o.name]),
        n.key,
      ).toEqual(n.owner.names.map((name) => ["docker-container", name]));
    }
  });

  it("groups each pod's pause and app containers into one kubernetes-pod owner", () => {
    expect(countOf("kubernetes-pod")).toBeGreaterThan(0);
    for (const n of f.lab.netns) {
      const want = n.owner;
      if (want.kind !== "kubernetes-pod") continue;
      const got = owners.get(n.inode) ?? [];
      expect(got).toHaveLength(1);
      const pod = got[0];
      if (pod?.kind !== "kubernetes-pod") throw new Error(`${n.key}: ${pod?.kind}`);
      expect(pod).toMatchObject({ runtime: "docker", namespace: want.namespace, podName: want.name, uid: want.uid, sandboxId: want.sandboxId });
      expect(pod.containers.map((c) => c.name).sort()).toEqual([...want.containers].sort());
    }
  });

  it("puts the host-network container on the host, and never gives the host a process owner", () => {
    expect(f.lab.hostNetworkContainers.length).toBeGreaterThan(0);
    expect(owners.get(HOST)?.map((o) => o.name)).toEqual(f.lab.hostNetworkContainers);
  });

  it("falls back to the oldest process when no engine claims a namespace", () => {
    const orphan: OwnableNetns = { id: "4026599999", isHost: false, refs: [{ kind: "bind-mount", path: "/run/netns/blue" }], pids: [900, 42, 7000] };
    const result = assignOwners([orphan], [], (pid) => ({ name: `process ${pid}`, unit: "x.service" }));
    expect(result.get(orphan.id)).toEqual([
      { kind: "ip-netns", name: "blue" },
      { kind: "process", pid: 42, name: "process 42", unit: "x.service" },
    ]);
  });
});
