import type { LabManifest } from "./manifest";

/** The environment that points nsatlas at the lab's engines. */
export function labEnv(manifest: LabManifest): Record<string, string> {
  return {
    NSATLAS_DOCKER_SOCKET: manifest.engines.docker.socket,
    NSATLAS_PODMAN_SOCKET: manifest.engines.podman.socket,
    NSATLAS_CRI_SOCKETS: manifest.engines.containerd.socket,
  };
}
