/**
 * Engines that are absent, or that accept a connection and never answer: the snapshot still
 * returns, says which engine failed and how, and the namespaces those engines would have owned are
 * still listed, owned by their processes.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../server/contract/snapshot";
import type { LabManifest } from "../lab/manifest";
import { labSnapshotService } from "./helpers/lab-service";
import { loadLabManifest } from "./helpers/lab-manifest";

let manifest: LabManifest;
let tmp: string;
let silent: net.Server;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  manifest = loadLabManifest();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-degraded-"));
  silent = net.createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => silent.listen(path.join(tmp, "silent.sock"), resolve));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function snapshotWith(overrides: Record<string, string>): Promise<Snapshot> {
  const service = labSnapshotService(manifest, overrides);
  try {
    return await service.snapshot();
  } finally {
    service.close();
  }
}

const dockerNamespaces = () => manifest.netns.filter((n) => n.owner.kind === "docker-container" || (n.owner.kind === "kubernetes-pod" && n.owner.runtime === "docker"));
const criNamespaces = () => manifest.netns.filter((n) => n.owner.kind === "kubernetes-pod" && n.owner.runtime === "containerd-cri");

describe("degraded engines", () => {
  it("with the Docker socket missing: docker is absent, its namespaces are owned by their processes, the rest as usual", async () => {
    const snapshot = await snapshotWith({ NSATLAS_DOCKER_SOCKET: path.join(tmp, "missing.sock") });
    expect(snapshot.runtimes.find((r) => r.name === "docker")).toMatchObject({ status: "absent" });
    for (const want of dockerNamespaces()) {
      const n = snapshot.netns.find((x) => x.id === want.inode);
      expect(n?.owners, want.key).toEqual([expect.objectContaining({ kind: "process", pid: Math.min(...want.pids) })]);
    }
    for (const want of criNamespaces()) expect(snapshot.netns.find((x) => x.id === want.inode)?.owners[0]?.kind).toBe("kubernetes-pod");
  });

  it("with a Docker socket that accepts and never answers: unreachable after the deadline, and the snapshot returns", async () => {
    const deadlineMs = 400;
    const snapshot = await snapshotWith({ NSATLAS_DOCKER_SOCKET: path.join(tmp, "silent.sock"), NSATLAS_ENGINE_TIMEOUT_MS: String(deadlineMs) });
    const docker = snapshot.runtimes.find((r) => r.name === "docker");
    expect(docker).toMatchObject({ status: "unreachable", error: expect.stringContaining(`${deadlineMs} ms`) });
    expect(docker?.latencyMs).toBeGreaterThanOrEqual(deadlineMs - 5);
    expect(snapshot.runtimes.find((r) => r.name === "podman")?.status).toBe("ok");
    for (const want of dockerNamespaces()) expect(snapshot.netns.find((x) => x.id === want.inode)?.owners[0]?.kind, want.key).toBe("process");
  });

  it("with the CRI socket absent: containerd-cri is absent, its pods' namespaces keep their ip-netns name and a process owner", async () => {
    const snapshot = await snapshotWith({ NSATLAS_CRI_SOCKETS: path.join(tmp, "no-cri.sock") });
    expect(snapshot.runtimes.find((r) => r.name === "containerd-cri")).toMatchObject({ status: "absent" });
    for (const want of criNamespaces()) {
      const kinds = snapshot.netns.find((x) => x.id === want.inode)?.owners.map((o) => o.kind);
      expect(kinds, want.key).toEqual(["ip-netns", "process"]);
    }
    expect(snapshot.runtimes.find((r) => r.name === "docker")?.status).toBe("ok");
  });
});
