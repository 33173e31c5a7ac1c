/**
 * The classifier over real failures: each adapter (Docker Engine API for docker and podman, gRPC for
 * CRI) is pointed at a socket that fails for real, and the error it throws must land in exactly the
 * documented state, with a detail that is a short code and never the library's text.
 */
import { spawnSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { engineMessage, makeRuntimeStatus, runtimeStatusSchema, type EngineState } from "../../../server/contract/runtime-status";
import { classifyEngineError, failedEngineStatus, type EngineFailure } from "../../../server/runtimes/classify-engine-error";
import { createCriRuntime } from "../../../server/runtimes/cri-runtime";
import { DeadlineError, withDeadline } from "../../../server/runtimes/deadline";
import { createDockerApiRuntime } from "../../../server/runtimes/docker-runtime";
import { createPodmanRuntime } from "../../../server/runtimes/podman-runtime";
import { EngineMismatchError, type RuntimeAdapter } from "../../../server/runtimes/runtime";
import { EXPECTED_STATE, faultEngines, NEEDS_UNPRIVILEGED_CALLER, type FaultEngines, type FaultKind } from "../../integration/helpers/fault-engines";

const TIMEOUT_MS = 300;
const ROOT = path.resolve(import.meta.dirname, "../../..");
const ENGINES = { docker: "http", podman: "http", cri: "grpc" } as const;
type Engine = keyof typeof ENGINES;
const CALLS = ["version", "listWorkloads"] as const;

let faults: FaultEngines;
beforeAll(async () => {
  faults = await faultEngines();
});
afterAll(() => faults.close());

function adapterFor(engine: Engine, socketPath: string): RuntimeAdapter {
  const options = { socketPath, timeoutMs: TIMEOUT_MS };
  if (engine === "docker") return createDockerApiRuntime({ name: "docker", ...options });
  return engine === "podman" ? createPodmanRuntime(options) : createCriRuntime(options);
}

/** The call as the agent makes it (under the deadline), and what its error means. */
async function failureOf(engine: Engine, call: (typeof CALLS)[number], socketPath: string): Promise<EngineFailure | "ok"> {
  const adapter = adapterFor(engine, socketPath);
  try {
    await withDeadline<unknown>(TIMEOUT_MS, (signal) => adapter[call](signal));
    return "ok";
  } catch (err) {
    return classifyEngineError(err);
  } finally {
    adapter.close();
  }
}

const childResultSchema = z.union([z.object({ state: z.literal("ok") }), z.object({ state: z.string(), detail: z.string() })]);

/** The same call in a child without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, when this process is root (root opens any socket). */
function failureWithoutDacOverride(engine: Engine, call: (typeof CALLS)[number], socketPath: string): unknown {
  const command = [
    process.execPath,
    "--import",
    "tsx",
    path.join(ROOT, "test/server/runtimes/engine-call-child.ts"),
    engine,
    call,
    socketPath,
    String(TIMEOUT_MS),
  ];
  const argv = ["setpriv", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--", ...command];
  const [bin = "", ...rest] = argv;
  const child = spawnSync(bin, rest, { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
  expect(child.status, child.stderr).toBe(0);
  const result = childResultSchema.parse(JSON.parse(child.stdout.trim().split("\n").at(-1) ?? ""));
  return result.state === "ok" ? "ok" : result;
}

const isRoot = process.getuid?.() === 0;
const cases = (Object.keys(ENGINES) as Engine[]).flatMap((engine) =>
  (Object.entries(EXPECTED_STATE[ENGINES[engine]]) as Array<[FaultKind, EngineState]>).flatMap(([kind, state]) =>
    CALLS.map((call) => ({ engine, kind, call, state })),
  ),
);

describe("classifyEngineError over real failures", () => {
  it.each(cases)("$engine $call against a $kind socket: $state", async ({ engine, kind, call, state }) => {
    const socketPath = faults.path(kind);
    const failure =
      NEEDS_UNPRIVILEGED_CALLER.has(kind) && isRoot ? failureWithoutDacOverride(engine, call, socketPath) : await failureOf(engine, call, socketPath);
    expect(failure).toMatchObject({ state });
    // A code, never the library's message: one printable line, bounded, without the socket path.
    const { detail } = z.object({ detail: z.string() }).parse(failure);
    expect(detail).toMatch(/^[\x20-\x7e]{1,80}$/);
    expect(detail).not.toContain(faults.dir);
  });

  it("names the underlying code in detail", async () => {
    expect(await failureOf("docker", "version", faults.path("missing"))).toEqual({ state: "absent", detail: "ENOENT" });
    expect(await failureOf("cri", "version", faults.path("missing"))).toEqual({ state: "absent", detail: "ENOENT" });
    expect(await failureOf("docker", "version", faults.path("stale"))).toEqual({ state: "absent", detail: "ECONNREFUSED" });
    expect(await failureOf("podman", "version", faults.path("silent"))).toEqual({ state: "timeout", detail: `deadline ${TIMEOUT_MS} ms` });
    expect(await failureOf("docker", "version", faults.path("garbage"))).toEqual({ state: "incompatible", detail: "HPE_INVALID_CONSTANT" });
    expect(await failureOf("docker", "listWorkloads", faults.path("http-not-found"))).toEqual({ state: "incompatible", detail: "HTTP 404" });
    expect(await failureOf("docker", "version", faults.path("http-wrong-json"))).toEqual({ state: "incompatible", detail: "answer invalid_type at Version" });
    expect(await failureOf("podman", "version", faults.path("http-forbidden"))).toEqual({ state: "refused", detail: "HTTP 403" });
    expect(await failureOf("docker", "version", faults.path("http-server-error"))).toEqual({ state: "error", detail: "HTTP 500" });
    expect(await failureOf("cri", "version", faults.path("grpc-unimplemented"))).toEqual({ state: "incompatible", detail: "gRPC UNIMPLEMENTED" });
    expect(await failureOf("cri", "version", faults.path("grpc-denied"))).toEqual({ state: "refused", detail: "gRPC PERMISSION_DENIED" });
    expect(await failureOf("cri", "version", faults.path("grpc-internal"))).toEqual({ state: "error", detail: "gRPC INTERNAL" });
    expect(await failureOf("cri", "version", faults.path("http-not-found"))).toEqual({ state: "incompatible", detail: "gRPC UNAVAILABLE: protocol error" });
  });

  it("reads the same state on every probe: a new CRI client does not inherit another's connection in back-off", async () => {
    for (let i = 0; i < 3; i++) expect(await failureOf("cri", "version", faults.path("stale"))).toEqual({ state: "absent", detail: "ECONNREFUSED" });
  });

  it("reads a podman setting that points at dockerd as incompatible, not as podman answering", async () => {
    // dockerd's GET /version: the Docker Engine API, but its components do not name podman.
    const dockerd = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ Version: "20.10.24", Components: [{ Name: "Engine", Version: "20.10.24" }] }));
    });
    const socketPath = path.join(faults.dir, "dockerd.sock");
    await new Promise<void>((resolve) => dockerd.listen(socketPath, resolve));
    try {
      expect(await failureOf("podman", "version", socketPath)).toEqual({ state: "incompatible", detail: "not podman" });
      expect(await failureOf("docker", "version", socketPath)).toBe("ok");
    } finally {
      dockerd.closeAllConnections();
      await new Promise((resolve) => dockerd.close(resolve));
    }
    expect(classifyEngineError(new EngineMismatchError("podman", "Engine"))).toEqual({ state: "incompatible", detail: "not podman" });
  });
});

describe("classifyEngineError on what is not a socket failure", () => {
  it.each([
    [new DeadlineError(2000), { state: "timeout", detail: "deadline 2000 ms" }],
    [z.object({ Version: z.string() }).safeParse({}).error, { state: "incompatible", detail: "answer invalid_type at Version" }],
    [new SyntaxError("Unexpected token < in JSON"), { state: "incompatible", detail: "answer not JSON" }],
    [new TypeError("Cannot read properties of undefined (reading 'x')\n    at stack"), { state: "error", detail: "TypeError" }],
    [Object.assign(new Error("weird"), { code: "ERR_SOMETHING\nNEW" }), { state: "error", detail: "ERR_SOMETHING NEW" }],
    ["a string thrown", { state: "error", detail: "non-Error thrown" }],
    [undefined, { state: "error", detail: "non-Error thrown" }],
  ])("maps %o", (err, expected) => {
    expect(classifyEngineError(err)).toEqual(expected);
  });
});

describe("failedEngineStatus", () => {
  it("gives the documented status, message and detail, never the library's text", async () => {
    const socketPath = faults.path("http-server-error");
    const adapter = adapterFor("docker", socketPath);
    const err = await withDeadline(TIMEOUT_MS, (signal) => adapter.version(signal)).then(
      () => undefined,
      (e: unknown) => e,
    );
    const status = failedEngineStatus({ name: "docker", endpoint: socketPath, timeoutMs: TIMEOUT_MS, latencyMs: 1.5 }, err);
    expect(status).toEqual({
      name: "docker",
      endpoint: socketPath,
      status: "error",
      state: "error",
      message: `docker: the call to ${socketPath} failed — see detail, and the nsatlas log at NSATLAS_LOG_LEVEL=debug for the whole error`,
      error: status.message,
      detail: "HTTP 500",
      latencyMs: 1.5,
    });
    expect(JSON.stringify(status)).not.toContain("exploded");
    expect(runtimeStatusSchema.parse(status)).toEqual(status);
  });

  it("names the engine, the endpoint and what to do in every message", () => {
    expect(engineMessage("podman", "/run/podman/podman.sock", "absent")).toBe(
      "podman: no API socket at /run/podman/podman.sock — start podman.socket (or `podman system service --time=0`) or set NSATLAS_PODMAN_SOCKET; nothing to do if podman is not used on this node",
    );
    expect(engineMessage("docker", "/var/run/docker.sock", "timeout", 2000)).toBe(
      "docker: no answer from /var/run/docker.sock within 2000 ms — docker is hung or overloaded: check its logs, or raise NSATLAS_ENGINE_TIMEOUT_MS",
    );
    const timeout = makeRuntimeStatus({ name: "containerd-cri", endpoint: "/c.sock", state: "timeout", timeoutMs: 400, latencyMs: 400 });
    expect(timeout).toMatchObject({ status: "unreachable", message: expect.stringContaining("within 400 ms") });
  });
});
