/**
 * Engines that are absent, that accept a connection and never answer, that refuse, close at once,
 * answer garbage or fail: the snapshot still returns, says which engine failed in the documented
 * state and message, and the namespaces those engines would have owned are still listed, owned by
 * their processes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../server/contract/snapshot";
import type { LabManifest, LabNetns } from "../lab/manifest";
import { labSnapshotService } from "./helpers/lab-service";
import { expectEngineStatus } from "./helpers/engine-fault-agent";
import { EXPECTED_STATE, faultEngines, type FaultEngines, type FaultKind } from "./helpers/fault-engines";
import { loadLabManifest } from "./helpers/lab-manifest";
import { silentSocket } from "./helpers/silent-socket";

let manifest: LabManifest;
let engine: Awaited<ReturnType<typeof silentSocket>>;
let faults: FaultEngines;

beforeAll(async () => {
  manifest = loadLabManifest();
  engine = await silentSocket();
  faults = await faultEngines();
});
afterAll(async () => {
  await engine.close();
  await faults.close();
});

async function snapshotWith(overrides: Record<string, string>): Promise<Snapshot> {
  const service = labSnapshotService(manifest, overrides);
  try {
    return await service.snapshot();
  } finally {
    service.close();
  }
}

/** The lab's namespaces that `isOf` picks: never none, so a test looping over them checks something. */
const labNamespaces = (isOf: (n: LabNetns) => boolean) => {
  const found = manifest.netns.filter(isOf);
  expect(found.length).toBeGreaterThan(0);
  return found;
};
const dockerNamespaces = () => labNamespaces((n) => n.owner.kind === "docker-container" || (n.owner.kind === "kubernetes-pod" && n.owner.runtime === "docker"));
const criNamespaces = () => labNamespaces((n) => n.owner.kind === "kubernetes-pod" && n.owner.runtime === "containerd-cri");

describe("degraded engines", () => {
  it("with the Docker socket missing: docker is absent, its namespaces are owned by their processes, the rest as usual", async () => {
    const snapshot = await snapshotWith({ NSATLAS_DOCKER_SOCKET: engine.missingPath });
    expectEngineStatus(snapshot.runtimes, { name: "docker", endpoint: engine.missingPath, state: "absent", detail: "ENOENT" });
    for (const want of dockerNamespaces()) {
      const n = snapshot.netns.find((x) => x.id === want.inode);
      expect(n?.owners, want.key).toEqual([expect.objectContaining({ kind: "process", pid: Math.min(...want.pids) })]);
    }
    for (const want of criNamespaces()) expect(snapshot.netns.find((x) => x.id === want.inode)?.owners[0]?.kind).toBe("kubernetes-pod");
  });

  it("with a Docker socket that accepts and never answers: timeout after the deadline, and the snapshot returns", async () => {
    const deadlineMs = 400;
    const snapshot = await snapshotWith({ NSATLAS_DOCKER_SOCKET: engine.path, NSATLAS_ENGINE_TIMEOUT_MS: String(deadlineMs) });
    const docker = expectEngineStatus(snapshot.runtimes, { name: "docker", endpoint: engine.path, state: "timeout", timeoutMs: deadlineMs });
    expect(docker.message).toContain(`within ${deadlineMs} ms`);
    expect(docker.latencyMs).toBeGreaterThanOrEqual(deadlineMs - 5);
    expect(snapshot.runtimes.find((r) => r.name === "podman")?.state).toBe("ok");
    for (const want of dockerNamespaces()) expect(snapshot.netns.find((x) => x.id === want.inode)?.owners[0]?.kind, want.key).toBe("process");
  });

  it("with the CRI socket absent: containerd-cri is absent, its pods' namespaces keep their ip-netns name and a process owner", async () => {
    const snapshot = await snapshotWith({ NSATLAS_CRI_SOCKETS: engine.missingPath });
    expectEngineStatus(snapshot.runtimes, { name: "containerd-cri", endpoint: engine.missingPath, state: "absent", detail: "ENOENT" });
    for (const want of criNamespaces()) {
      const kinds = snapshot.netns.find((x) => x.id === want.inode)?.owners.map((o) => o.kind);
      expect(kinds, want.key).toEqual(["ip-netns", "process"]);
    }
    expect(snapshot.runtimes.find((r) => r.name === "docker")?.state).toBe("ok");
  });

  // Root opens a mode-000 socket anyway: "locked" is covered through an agent without CAP_DAC_OVERRIDE (engine-probes.test.ts).
  it.each<FaultKind>(["closing", "garbage", "http-forbidden", "http-server-error", "http-wrong-json"])(
    "with a Docker socket that fails as %s: the documented state, and its namespaces owned by their processes",
    async (kind) => {
      const endpoint = faults.path(kind);
      const snapshot = await snapshotWith({ NSATLAS_DOCKER_SOCKET: endpoint });
      const state = EXPECTED_STATE.http[kind];
      if (state === undefined) throw new Error(`no expected state for ${kind}`);
      expectEngineStatus(snapshot.runtimes, { name: "docker", endpoint, state });
      for (const want of dockerNamespaces()) expect(snapshot.netns.find((x) => x.id === want.inode)?.owners[0]?.kind, want.key).toBe("process");
      for (const want of criNamespaces()) expect(snapshot.netns.find((x) => x.id === want.inode)?.owners[0]?.kind).toBe("kubernetes-pod");
    },
  );

  it.each<FaultKind>(["grpc-denied", "grpc-unimplemented", "grpc-internal"])(
    "with a CRI socket that fails as %s: the documented state, and its pods' namespaces keep their ip-netns name and a process owner",
    async (kind) => {
      const endpoint = faults.path(kind);
      const snapshot = await snapshotWith({ NSATLAS_CRI_SOCKETS: endpoint });
      const state = EXPECTED_STATE.grpc[kind];
      if (state === undefined) throw new Error(`no expected state for ${kind}`);
      expectEngineStatus(snapshot.runtimes, { name: "containerd-cri", endpoint, state });
      for (const want of criNamespaces())
        expect(
          snapshot.netns.find((x) => x.id === want.inode)?.owners.map((o) => o.kind),
          want.key,
        ).toEqual(["ip-netns", "process"]);
    },
  );
});
