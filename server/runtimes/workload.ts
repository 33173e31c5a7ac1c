import type { RuntimeStatus } from "../contract/runtime-status";

export type RuntimeName = RuntimeStatus["name"];

/**
 * A container or pod sandbox as an engine reports it, in our own terms (no vendor types past the
 * adapters). The owners stage maps workloads to namespaces.
 */
export interface Workload {
  runtime: RuntimeName;
  /** sandbox: a pod's pause/infra container (Docker, podman) or a CRI pod sandbox. */
  kind: "container" | "sandbox";
  id: string;
  name: string;
  image?: string;
  /** running, exited, ..., as the engine says. */
  state: string;
  /** The init process on the host, when the engine told us. */
  pid?: number;
  labels: Record<string, string>;
  /** The file that holds its network namespace (Docker's SandboxKey, the CRI netns path). */
  netnsPath?: string;
  /** Docker's HostConfig.NetworkMode. */
  networkMode?: string;
  /** For a pod's container: the sandbox it belongs to (pause container id or CRI sandbox id). */
  sandboxId?: string;
  /** The Kubernetes pod it belongs to (labels or CRI metadata). */
  pod?: { namespace: string; name: string; uid: string };
  /** The Kubernetes container name. */
  kubernetesName?: string;
  /** The podman pod it belongs to. */
  podmanPod?: { id: string; name: string };
}
