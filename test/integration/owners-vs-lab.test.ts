/** Every lab namespace has the owner the lab manifest says, read from the real engines. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Netns, Owner, Snapshot } from "../../server/contract/snapshot";
import type { SnapshotService } from "../../server/snapshot/snapshot-service";
import type { LabManifest } from "../lab/manifest";
import { labSnapshotService } from "./helpers/lab-service";
import { loadLabManifest } from "./helpers/lab-manifest";

let manifest: LabManifest;
let service: SnapshotService;
let snapshot: Snapshot;

beforeAll(async () => {
  manifest = loadLabManifest();
  service = labSnapshotService(manifest);
  snapshot = await service.snapshot();
});
afterAll(() => service.close());

const netnsOf = (inode: string): Netns => {
  const n = snapshot.netns.find((x) => x.id === inode);
  if (n === undefined) throw new Error(`no netns ${inode}`);
  return n;
};
const ofKind = <K extends Owner["kind"]>(n: Netns, kind: K) => n.owners.filter((o): o is Extract<Owner, { kind: K }> => o.kind === kind);

describe("owners of the lab's namespaces", () => {
  it("reports every engine as answering", () => {
    expect(snapshot.runtimes.map((r) => [r.name, r.status])).toEqual([
      ["docker", "ok"],
      ["podman", "ok"],
      ["containerd-cri", "ok"],
    ]);
  });

  it.each(["ip-netns", "docker-container", "kubernetes-pod", "podman-pod", "process", "bind-mount"])("matches the manifest for %s namespaces", (kind) => {
    const selected = manifest.netns.filter((n) => n.owner.kind === kind);
    expect(selected.length).toBeGreaterThan(0);
    for (const want of selected) {
      const n = netnsOf(want.inode);
      const o = want.owner;
      switch (o.kind) {
        case "ip-netns":
          expect(ofKind(n, "ip-netns").map((x) => x.name)).toEqual([o.name]);
          expect(n.owners).toHaveLength(1);
          break;
        case "docker-container": {
          const got = ofKind(n, "docker-container");
          expect(got.map((x) => x.name).sort(), want.key).toEqual([...o.names].sort());
          expect(got[0]).toMatchObject({ runtime: "docker", state: "running", networkMode: o.networkMode });
          expect(got[0]?.pid).toBe(want.pids[0]);
          break;
        }
        case "kubernetes-pod": {
          const [pod, ...more] = ofKind(n, "kubernetes-pod");
          expect(more).toEqual([]);
          expect(pod).toMatchObject({
            runtime: o.runtime,
            namespace: o.namespace,
            podName: o.name,
            name: `${o.namespace}/${o.name}`,
            uid: o.uid,
            sandboxId: o.sandboxId,
          });
          expect(pod?.containers.map((c) => c.name).sort(), want.key).toEqual([...o.containers].sort());
          expect(pod?.containers.every((c) => c.state === "running")).toBe(true);
          if (o.runtime === "docker") {
            expect(pod?.containers.filter((c) => c.isSandbox).map((c) => c.kubernetesName)).toEqual(["POD"]);
            expect(
              pod?.containers
                .filter((c) => !c.isSandbox)
                .map((c) => c.kubernetesName)
                .sort(),
            ).toEqual(["app", "sidecar"]);
          } else {
            // A CRI pod's namespace also has the name the CNI plugin gave it under /run/netns.
            expect(ofKind(n, "ip-netns").map((x) => x.name)).toEqual([want.paths[0]?.split("/").pop()]);
          }
          expect(ofKind(n, "process")).toEqual([]);
          break;
        }
        case "podman-pod": {
          const [pod] = ofKind(n, "podman-pod");
          expect(pod).toMatchObject({ id: o.id, name: o.name });
          expect(pod?.containers.map((c) => c.name).sort()).toEqual([...o.containers].sort());
          expect(pod?.containers.filter((c) => c.isSandbox)).toHaveLength(1);
          break;
        }
        case "process":
          expect(n.owners).toEqual([expect.objectContaining({ kind: "process", pid: o.pid, name: o.command })]);
          break;
        case "bind-mount":
          // Held only by a mount at an odd path: no engine, no name under /run/netns, no process.
          expect(n.owners).toEqual([]);
          break;
      }
    }
  });

  it("lists the --network host container as an owner of the host namespace", () => {
    const host = snapshot.netns.find((n) => n.isHost);
    expect(ofKind(host ?? netnsOf("0"), "docker-container").map((c) => c.name)).toEqual(manifest.hostNetworkContainers);
    expect(ofKind(host ?? netnsOf("0"), "docker-container")[0]?.networkMode).toBe("host");
  });

  it("claims no namespace outside the lab for an engine", () => {
    const labInodes = new Set(manifest.netns.map((n) => n.inode));
    const claimedByEngine = snapshot.netns
      .filter((n) => !labInodes.has(n.id) && !n.isHost)
      .flatMap((n) => n.owners.filter((o) => o.kind !== "process" && o.kind !== "ip-netns"));
    expect(claimedByEngine).toEqual([]);
  });
});
