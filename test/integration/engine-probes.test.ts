/** The health probes against the lab's real engines, a missing socket, and a socket that never answers. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../server/config";
import { probeEngines } from "../../server/runtimes/probe-engines";
import { labConfig, manifestPath } from "../lab/lab-config";
import { readManifest, type LabManifest } from "../lab/manifest";
import { silentSocket } from "./helpers/silent-socket";

let manifest: LabManifest;
let engine: Awaited<ReturnType<typeof silentSocket>>;

beforeAll(async () => {
  manifest = readManifest(manifestPath(labConfig()));
  engine = await silentSocket();
});
afterAll(() => engine.close());

describe("engine probes", () => {
  it("reports Docker, podman and containerd CRI of the lab as answering, with their versions", async () => {
    const statuses = await probeEngines(
      parseConfig({
        NSATLAS_DOCKER_SOCKET: manifest.engines.docker.socket,
        NSATLAS_PODMAN_SOCKET: manifest.engines.podman.socket,
        NSATLAS_CRI_SOCKETS: manifest.engines.containerd.socket,
      }),
    );
    expect(statuses.map((s) => [s.name, s.status, s.version])).toEqual([
      ["docker", "ok", manifest.engines.docker.version],
      ["podman", "ok", manifest.engines.podman.version],
      ["containerd-cri", "ok", manifest.engines.containerd.version],
    ]);
  });

  it("reports a missing socket as absent", async () => {
    const missing = engine.missingPath;
    const statuses = await probeEngines(parseConfig({ NSATLAS_DOCKER_SOCKET: missing, NSATLAS_PODMAN_SOCKET: missing, NSATLAS_CRI_SOCKETS: missing }));
    expect(statuses).toHaveLength(3);
    for (const s of statuses) {
      expect(s.status, s.name).toBe("absent");
      expect(s.error).toContain(missing);
    }
  });

  it("reports a socket that accepts but never answers as unreachable after the deadline, without hanging", async () => {
    const silent = engine.path;
    const deadlineMs = 300;
    const statuses = await probeEngines(
      parseConfig({ NSATLAS_DOCKER_SOCKET: silent, NSATLAS_PODMAN_SOCKET: silent, NSATLAS_CRI_SOCKETS: silent, NSATLAS_ENGINE_TIMEOUT_MS: String(deadlineMs) }),
    );
    expect(statuses.map((s) => s.status)).toEqual(["unreachable", "unreachable", "unreachable"]);
    for (const s of statuses) expect(s.latencyMs).toBeGreaterThanOrEqual(deadlineMs - 5);
  });
});
