/** The engine mappers on JSON recorded from the lab's engines, checked against the lab's manifest. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { dockerInspectSchema, dockerListEntrySchema, mapDockerContainer } from "../../../server/runtimes/map-docker-container";
import { attachPodmanPods, podmanPodListSchema } from "../../../server/runtimes/map-podman-pods";
import {
  criContainerListSchema,
  criSandboxListSchema,
  criSandboxStatusSchema,
  mapCriContainer,
  mapCriSandbox,
  mapSandboxInfo,
} from "../../../server/runtimes/map-cri";
import { criFixture, dockerFixture, podmanFixture } from "./engine-fixtures";

/** How many of the lab's namespaces an owner of `kind` holds: asserted non-zero before a test loops over them. */
const countOf = (f: { lab: { netns: Array<{ owner: { kind: string } }> } }, kind: string) => f.lab.netns.filter((n) => n.owner.kind === kind).length;

describe("Docker", () => {
  const f = dockerFixture();
  const mapped = (name: string) => {
    const raw = f.inspect[name];
    if (raw === undefined) throw new Error(`no recorded inspect for ${name}`);
    return mapDockerContainer("docker", dockerInspectSchema.parse(raw));
  };

  it("parses every recorded list entry", () => {
    expect(z.array(dockerListEntrySchema).parse(f.list)).toHaveLength(Object.keys(f.inspect).length);
  });

  it("maps standalone containers: name, pid, network mode, netns file", () => {
    expect(countOf(f, "docker-container")).toBeGreaterThan(0);
    for (const ns of f.lab.netns) {
      if (ns.owner.kind !== "docker-container") continue;
      const w = mapped(ns.owner.names[0] ?? "");
      expect(w).toMatchObject({
        runtime: "docker",
        kind: "container",
        name: ns.owner.names[0],
        state: "running",
        pid: ns.pids[0],
        networkMode: ns.owner.networkMode,
        netnsPath: ns.paths[0],
      });
      expect(w.pod).toBeUndefined();
    }
  });

  it("maps a --network host container to Docker's default netns file", () => {
    expect(f.lab.hostNetworkContainers.length).toBeGreaterThan(0);
    for (const name of f.lab.hostNetworkContainers) expect(mapped(name)).toMatchObject({ networkMode: "host", netnsPath: "/var/run/docker/netns/default" });
  });

  it("recognises dockershim pods: the pause container is the sandbox, apps point at it", () => {
    expect(countOf(f, "kubernetes-pod")).toBeGreaterThan(0);
    for (const ns of f.lab.netns) {
      if (ns.owner.kind !== "kubernetes-pod") continue;
      const pod = { namespace: ns.owner.namespace, name: ns.owner.name, uid: ns.owner.uid };
      const [pauseName, ...apps] = ns.owner.containers;
      expect(mapped(pauseName ?? "")).toMatchObject({ kind: "sandbox", kubernetesName: "POD", pod, sandboxId: ns.owner.sandboxId, netnsPath: ns.paths[0] });
      expect(apps.length).toBeGreaterThan(0);
      for (const app of apps) {
        const w = mapped(app);
        expect(w).toMatchObject({ kind: "container", pod, sandboxId: ns.owner.sandboxId, networkMode: `container:${ns.owner.sandboxId}` });
        expect(w.netnsPath).toBeUndefined(); // an app container has an empty SandboxKey
        expect(["app", "sidecar"]).toContain(w.kubernetesName);
      }
    }
  });
});

describe("podman", () => {
  it("marks the pod's infra container as its sandbox and every member with the pod", () => {
    const f = podmanFixture();
    const workloads = Object.values(f.inspect).map((raw) => mapDockerContainer("podman", dockerInspectSchema.parse(raw)));
    const withPods = attachPodmanPods(workloads, podmanPodListSchema.parse(f.pods));
    expect(countOf(f, "podman-pod")).toBeGreaterThan(0);
    for (const ns of f.lab.netns) {
      const owner = ns.owner;
      if (owner.kind !== "podman-pod") continue;
      const members = withPods.filter((w) => w.podmanPod?.id === owner.id);
      expect(members.map((w) => w.name).sort()).toEqual([...owner.containers].sort());
      const infra = members.filter((w) => w.kind === "sandbox");
      expect(infra).toHaveLength(1);
      expect(infra[0]).toMatchObject({ pid: ns.pids[0], netnsPath: ns.paths[0], podmanPod: { name: owner.name } });
    }
  });
});

describe("containerd CRI", () => {
  const f = criFixture();
  const sandboxes = criSandboxListSchema.parse(f.sandboxes).items;
  const containers = criContainerListSchema.parse(f.containers).containers;

  it("maps each sandbox: pod identity from its metadata, pid and netns file from its verbose status", () => {
    expect(countOf(f, "kubernetes-pod")).toBeGreaterThan(0);
    for (const ns of f.lab.netns) {
      const owner = ns.owner;
      if (owner.kind !== "kubernetes-pod") continue;
      const sandbox = sandboxes.find((s) => s.id === owner.sandboxId);
      if (sandbox === undefined) throw new Error(`sandbox ${owner.sandboxId} not recorded`);
      const info = mapSandboxInfo(criSandboxStatusSchema.parse(f.statuses[sandbox.id]));
      expect(info).toEqual({ pid: ns.pids[0], netnsPath: ns.paths[0] });
      expect(mapCriSandbox("containerd-cri", sandbox, info)).toMatchObject({
        kind: "sandbox",
        state: "ready",
        pod: { namespace: owner.namespace, name: owner.name, uid: owner.uid },
      });
      const mine = containers.filter((c) => c.podSandboxId === sandbox.id).map((c) => mapCriContainer("containerd-cri", c));
      expect(mine.map((c) => [c.name, c.state, c.sandboxId])).toEqual(owner.containers.map((name) => [name, "running", sandbox.id]));
    }
  });

  it("returns nothing rather than guessing when the verbose info is missing or not JSON", () => {
    expect(mapSandboxInfo({ info: {} })).toEqual({});
    expect(mapSandboxInfo({ info: { info: "not json" } })).toEqual({});
  });
});
