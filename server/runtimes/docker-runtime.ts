import Docker from "dockerode";
import * as z from "zod";
import { dockerInspectSchema, dockerListEntrySchema, mapDockerContainer } from "./map-docker-container";
import { processStartTime } from "./process-start-time";
import type { RuntimeAdapter, RuntimeName } from "./runtime";
import type { Workload } from "./workload";

/** The fields of GET /version that we use; Docker and podman's compat API both send them. */
const versionSchema = z.object({ Version: z.string() });

interface DockerApiOptions {
  /** "docker" for dockerd, "podman" for `podman system service` (same wire API). */
  name: Extract<RuntimeName, "docker" | "podman">;
  socketPath: string;
  /** Socket-level timeout so an abandoned request never lingers past its caller's deadline. */
  timeoutMs: number;
}

/** Raw Docker Engine API calls the podman adapter needs beyond containers (kept here: the only dockerode user). */
export interface DockerApiRuntime extends RuntimeAdapter {
  /** GET on an arbitrary API path, for engine-specific endpoints (podman's /libpod/pods/json). */
  getJson(path: string, signal: AbortSignal): Promise<unknown>;
  /** API calls made so far (for the benchmark: a steady node costs one list per scan). */
  readonly calls: { lists: number; inspects: number };
}

/**
 * An adapter for any engine that speaks the Docker Engine API on a unix socket. A steady node costs
 * one list call per scan: inspect results are kept while the container's init process is the same
 * one (PID and its start time), and only new or restarted containers are inspected, all at once.
 */
export function createDockerApiRuntime(options: DockerApiOptions): DockerApiRuntime {
  // The socket timeout only ends abandoned requests: a margin past the caller's deadline, so that the
  // deadline (and its "timeout" state) always comes first.
  const client = new Docker({ socketPath: options.socketPath, timeout: options.timeoutMs + 1000 });
  const cache = new Map<string, { workload: Workload; startTime: string | undefined }>();
  const calls = { lists: 0, inspects: 0 };

  async function inspect(id: string, signal: AbortSignal): Promise<Workload | undefined> {
    const cached = cache.get(id);
    if (cached !== undefined && cached.workload.pid !== undefined && processStartTime(cached.workload.pid) === cached.startTime) return cached.workload;
    let raw: unknown;
    try {
      calls.inspects++;
      raw = await client.getContainer(id).inspect({ abortSignal: signal });
    } catch (err) {
      // Removed between list and inspect: a normal event on a busy node.
      if (typeof err === "object" && err !== null && "statusCode" in err && err.statusCode === 404) return undefined;
      throw err;
    }
    const workload = mapDockerContainer(options.name, dockerInspectSchema.parse(raw));
    cache.set(id, { workload, startTime: workload.pid === undefined ? undefined : processStartTime(workload.pid) });
    return workload;
  }

  function getJson(path: string, signal: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      client.modem.dial({ path, method: "GET", abortSignal: signal, statusCodes: { 200: true } }, (err: unknown, data: unknown) =>
        err ? reject(err) : resolve(data),
      );
    });
  }

  return {
    name: options.name,
    endpoint: options.socketPath,
    calls,
    async version(signal) {
      // Through dial rather than client.version(): its typings take no AbortSignal, and the deadline must end the request.
      const raw = await getJson("/version", signal);
      return { name: options.name, version: versionSchema.parse(raw).Version };
    },
    async listWorkloads(signal) {
      calls.lists++;
      const raw: unknown = await client.listContainers({ all: false, abortSignal: signal });
      const entries = z.array(dockerListEntrySchema).parse(raw);
      const live = new Set(entries.map((e) => e.Id));
      for (const id of cache.keys()) if (!live.has(id)) cache.delete(id);
      const workloads = await Promise.all(entries.map((e) => inspect(e.Id, signal)));
      return workloads.filter((w): w is Workload => w !== undefined);
    },
    getJson,
    close() {
      // dockerode opens one connection per request; nothing is held between calls.
    },
  };
}
