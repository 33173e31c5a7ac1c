import * as z from "zod";
import { createDockerApiRuntime } from "./docker-runtime";
import { attachPodmanPods, podmanPodListSchema } from "./map-podman-pods";
import { EngineMismatchError, type RuntimeAdapter } from "./runtime";

/** GET /version: podman names itself in Components ("Podman Engine"); dockerd says "Engine". */
const podmanVersionSchema = z.object({ Version: z.string(), Components: z.array(z.object({ Name: z.string() })).optional() });

/**
 * podman through its Docker-compatible API (`podman system service`), plus its libpod pods endpoint
 * for pod membership: the compat container list carries no pod information.
 */
export function createPodmanRuntime(options: { socketPath: string; timeoutMs: number }): RuntimeAdapter {
  const api = createDockerApiRuntime({ name: "podman", ...options });
  return {
    name: "podman",
    endpoint: options.socketPath,
    async version(signal) {
      const answer = podmanVersionSchema.parse(await api.getJson("/version", signal));
      // The same API as Docker's: without this, NSATLAS_PODMAN_SOCKET pointed at dockerd would read as podman answering.
      const names = answer.Components?.map((c) => c.Name) ?? [];
      if (!names.some((n) => /podman/i.test(n))) throw new EngineMismatchError("podman", names.join(", ") || "no engine name");
      return { name: "podman", version: answer.Version };
    },
    async listWorkloads(signal) {
      const [workloads, pods] = await Promise.all([api.listWorkloads(signal), api.getJson("/v4.0.0/libpod/pods/json", signal)]);
      return attachPodmanPods(workloads, podmanPodListSchema.parse(pods));
    },
    close: () => api.close(),
  };
}
