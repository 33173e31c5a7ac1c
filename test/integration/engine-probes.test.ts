/**
 * The health probes against the lab's real engines, a missing socket, a socket that never answers,
 * and, through a real agent's API (/api/v1/healthz and the snapshot), every documented failure state
 * (docs/api.md, "Engine states"), each caused for real.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../server/config";
import { probeEngines } from "../../server/runtimes/probe-engines";
import { labConfig, manifestPath } from "../lab/lab-config";
import { labEnv } from "../lab/lab-env";
import { readManifest, type LabManifest } from "../lab/manifest";
import { expectEngineStatus, startFaultAgent } from "./helpers/engine-fault-agent";
import { EXPECTED_STATE, faultEngines, NEEDS_UNPRIVILEGED_CALLER, type FaultEngines, type FaultKind } from "./helpers/fault-engines";
import { silentSocket } from "./helpers/silent-socket";

let manifest: LabManifest;
let engine: Awaited<ReturnType<typeof silentSocket>>;
let faults: FaultEngines;

beforeAll(async () => {
  manifest = readManifest(manifestPath(labConfig()));
  engine = await silentSocket();
  faults = await faultEngines();
});
afterAll(async () => {
  await engine.close();
  await faults.close();
});

describe("engine probes", () => {
  it("reports Docker, podman and containerd CRI of the lab as answering, with their versions", async () => {
    const statuses = await probeEngines(
      parseConfig({
        NSATLAS_DOCKER_SOCKET: manifest.engines.docker.socket,
        NSATLAS_PODMAN_SOCKET: manifest.engines.podman.socket,
        NSATLAS_CRI_SOCKETS: manifest.engines.containerd.socket,
      }),
    );
    expect(statuses.map((s) => [s.name, s.status, s.state, s.version])).toEqual([
      ["docker", "ok", "ok", manifest.engines.docker.version],
      ["podman", "ok", "ok", manifest.engines.podman.version],
      ["containerd-cri", "ok", "ok", manifest.engines.containerd.version],
    ]);
    expectEngineStatus(statuses, { name: "docker", endpoint: manifest.engines.docker.socket, state: "ok" });
  });

  it("reports a missing socket as absent, with the documented message", async () => {
    const missing = engine.missingPath;
    const statuses = await probeEngines(parseConfig({ NSATLAS_DOCKER_SOCKET: missing, NSATLAS_PODMAN_SOCKET: missing, NSATLAS_CRI_SOCKETS: missing }));
    expect(statuses).toHaveLength(3);
    for (const name of ["docker", "podman", "containerd-cri"] as const)
      expectEngineStatus(statuses, { name, endpoint: missing, state: "absent", detail: "ENOENT" });
  });

  it("reports a socket that accepts but never answers as timeout after the deadline, without hanging", async () => {
    const silent = engine.path;
    const deadlineMs = 300;
    const statuses = await probeEngines(
      parseConfig({ NSATLAS_DOCKER_SOCKET: silent, NSATLAS_PODMAN_SOCKET: silent, NSATLAS_CRI_SOCKETS: silent, NSATLAS_ENGINE_TIMEOUT_MS: String(deadlineMs) }),
    );
    expect(statuses.map((s) => [s.state, s.status])).toEqual([
      ["timeout", "unreachable"],
      ["timeout", "unreachable"],
      ["timeout", "unreachable"],
    ]);
    for (const s of statuses) expect(s.latencyMs).toBeGreaterThanOrEqual(deadlineMs - 5);
    for (const name of ["docker", "podman", "containerd-cri"] as const)
      expectEngineStatus(statuses, { name, endpoint: silent, state: "timeout", timeoutMs: deadlineMs, detail: `deadline ${deadlineMs} ms` });
  });
});

/**
 * One agent per row: Docker and podman on one fault (the Docker Engine API), containerd CRI on
 * another (gRPC). Each engine's state must be the documented one, in /api/v1/healthz (a version call)
 * and in the snapshot (the workload listing), with the documented message.
 */
const AGENT_ROWS: Array<{ http: FaultKind; grpc: FaultKind }> = [
  { http: "missing", grpc: "missing" },
  { http: "stale", grpc: "stale" },
  { http: "not-a-socket", grpc: "not-a-socket" },
  { http: "silent", grpc: "silent" },
  { http: "closing", grpc: "closing" },
  { http: "locked", grpc: "locked" },
  { http: "garbage", grpc: "garbage" },
  { http: "http-not-found", grpc: "http-not-found" },
  { http: "http-wrong-json", grpc: "grpc-unimplemented" },
  { http: "http-forbidden", grpc: "grpc-denied" },
  { http: "http-server-error", grpc: "grpc-internal" },
];
const TIMEOUT_MS = 500;

describe("engine states through the agent's API", () => {
  it("covers every documented failure state for both protocols", () => {
    const states = (side: "http" | "grpc") => new Set(AGENT_ROWS.map((r) => EXPECTED_STATE[side][r[side]]));
    for (const side of ["http", "grpc"] as const)
      expect([...states(side)].sort()).toEqual(["absent", "dropped", "error", "incompatible", "refused", "timeout"]);
  });

  it.each(AGENT_ROWS)("docker and podman on a $http socket, containerd CRI on a $grpc socket", async (row) => {
    const endpoints = { docker: faults.path(row.http), podman: faults.path(row.http), "containerd-cri": faults.path(row.grpc) };
    const agent = await startFaultAgent(
      {
        NSATLAS_DOCKER_SOCKET: endpoints.docker,
        NSATLAS_PODMAN_SOCKET: endpoints.podman,
        NSATLAS_CRI_SOCKETS: endpoints["containerd-cri"],
        NSATLAS_ENGINE_TIMEOUT_MS: String(TIMEOUT_MS),
      },
      { withoutDacOverride: NEEDS_UNPRIVILEGED_CALLER.has(row.http) || NEEDS_UNPRIVILEGED_CALLER.has(row.grpc) },
    );
    try {
      for (const read of [agent.health, agent.snapshot]) {
        const runtimes = await read();
        expect(runtimes).toHaveLength(3);
        for (const [name, side] of [
          ["docker", "http"],
          ["podman", "http"],
          ["containerd-cri", "grpc"],
        ] as const) {
          const state = EXPECTED_STATE[side][row[side]];
          if (state === undefined) throw new Error(`no expected state for ${row[side]} over ${side}`);
          expectEngineStatus(runtimes, { name, endpoint: endpoints[name], state, timeoutMs: TIMEOUT_MS });
        }
      }
      // The whole error reaches the log (for the operator), never the answer.
      expect(agent.output()).toContain('"msg":"container engine call failed"');
    } finally {
      await agent.stop();
    }
  });

  it("engines wired to each other's sockets: each one incompatible, the healthz probe and the snapshot agreeing", async () => {
    const endpoints = { docker: manifest.engines.containerd.socket, podman: manifest.engines.docker.socket, "containerd-cri": manifest.engines.docker.socket };
    const agent = await startFaultAgent({
      ...labEnv(manifest),
      NSATLAS_DOCKER_SOCKET: endpoints.docker,
      NSATLAS_PODMAN_SOCKET: endpoints.podman,
      NSATLAS_CRI_SOCKETS: endpoints["containerd-cri"],
    });
    try {
      for (const read of [agent.health, agent.snapshot]) {
        const runtimes = await read();
        expectEngineStatus(runtimes, { name: "docker", endpoint: endpoints.docker, state: "incompatible", detail: /^HPE_/ });
        expectEngineStatus(runtimes, { name: "podman", endpoint: endpoints.podman, state: "incompatible", detail: /^(not podman|HTTP 404)$/ });
        expectEngineStatus(runtimes, { name: "containerd-cri", endpoint: endpoints["containerd-cri"], state: "incompatible" });
      }
    } finally {
      await agent.stop();
    }
  });
});
