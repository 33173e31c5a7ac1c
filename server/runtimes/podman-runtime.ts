import { createDockerApiRuntime } from "./docker-runtime";
import { attachPodmanPods, podmanPodListSchema } from "./map-podman-pods";
import type { RuntimeAdapter } from "./runtime";

/**
 * podman through its Docker-compatible API (`podman system service`), plus its libpod pods endpoint
 * for pod membership: the compat container list carries no pod information.
 */
export function createPodmanRuntime(options: { socketPath: string; timeoutMs: number }): RuntimeAdapter {
  const api = createDockerApiRuntime({ name: "podman", ...options });
  return {
    name: "podman",
    endpoint: options.socketPath,
    version: (signal) => api.version(signal),
    async listWorkloads(signal) {
      const [workloads, pods] = await Promise.all([api.listWorkloads(signal), api.getJson("/v4.0.0/libpod/pods/json", signal)]);
      return attachPodmanPods(workloads, podmanPodListSchema.parse(pods));
    },
    close: () => api.close(),
  };
}
