import Docker from "dockerode";
import { z } from "zod";
import type { RuntimeAdapter, RuntimeName } from "./runtime";

/** The fields of GET /version that we use; Docker and podman's compat API both send them. */
const versionSchema = z.object({ Version: z.string() });

interface DockerApiOptions {
  /** "docker" for dockerd, "podman" for `podman system service` (same wire API). */
  name: Extract<RuntimeName, "docker" | "podman">;
  socketPath: string;
  /** Socket-level timeout so an abandoned request never lingers past its caller's deadline. */
  timeoutMs: number;
}

/** An adapter for any engine that speaks the Docker Engine API on a unix socket. */
export function createDockerApiRuntime(options: DockerApiOptions): RuntimeAdapter {
  const client = new Docker({ socketPath: options.socketPath, timeout: options.timeoutMs });
  return {
    name: options.name,
    endpoint: options.socketPath,
    async version() {
      const raw: unknown = await client.version();
      return { name: options.name, version: versionSchema.parse(raw).Version };
    },
    close() {
      // dockerode opens one connection per request; nothing is held between calls.
    },
  };
}
