import * as z from "zod";
import type { RuntimeName } from "./runtime";
import type { Workload } from "./workload";

/** The fields of GET /containers/json we use (Docker; podman's compat API sends `HostConfig: null`). */
export const dockerListEntrySchema = z
  .object({
    Id: z.string(),
    Names: z.array(z.string()).nullable().default([]),
    Image: z.string().optional(),
    State: z.string(),
    Labels: z.record(z.string(), z.string()).nullable().default({}),
  })
  .loose();
export type DockerListEntry = z.infer<typeof dockerListEntrySchema>;

/** The fields of GET /containers/{id}/json we use. */
export const dockerInspectSchema = z
  .object({
    Id: z.string(),
    Name: z.string(),
    Config: z.object({ Image: z.string().optional(), Labels: z.record(z.string(), z.string()).nullable().optional() }).loose(),
    State: z.object({ Status: z.string(), Pid: z.number().int() }).loose(),
    HostConfig: z.object({ NetworkMode: z.string().optional() }).loose().nullable().optional(),
    NetworkSettings: z.object({ SandboxKey: z.string().optional() }).loose().nullable().optional(),
  })
  .loose();
export type DockerInspect = z.infer<typeof dockerInspectSchema>;

const K8S = {
  podName: "io.kubernetes.pod.name",
  podNamespace: "io.kubernetes.pod.namespace",
  podUid: "io.kubernetes.pod.uid",
  type: "io.kubernetes.docker.type",
  container: "io.kubernetes.container.name",
  sandbox: "io.kubernetes.sandbox.id",
} as const;

/**
 * One container from the Docker Engine API as a workload. Pods the way cri-dockerd makes them are
 * recognised by their io.kubernetes.* labels: the pause container (`podsandbox`) is the sandbox.
 */
export function mapDockerContainer(runtime: Extract<RuntimeName, "docker" | "podman">, inspect: DockerInspect): Workload {
  const labels = inspect.Config.Labels ?? {};
  const isSandbox = labels[K8S.type] === "podsandbox";
  const podName = labels[K8S.podName];
  const podNamespace = labels[K8S.podNamespace];
  const podUid = labels[K8S.podUid];
  const sandboxKey = inspect.NetworkSettings?.SandboxKey;
  const workload: Workload = {
    runtime,
    kind: isSandbox ? "sandbox" : "container",
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, ""),
    image: inspect.Config.Image,
    state: inspect.State.Status,
    labels,
    ...(inspect.State.Pid > 0 ? { pid: inspect.State.Pid } : {}),
    ...(sandboxKey ? { netnsPath: sandboxKey } : {}),
    ...(inspect.HostConfig?.NetworkMode ? { networkMode: inspect.HostConfig.NetworkMode } : {}),
  };
  if (podName !== undefined && podNamespace !== undefined && podUid !== undefined) {
    workload.pod = { namespace: podNamespace, name: podName, uid: podUid };
    workload.kubernetesName = isSandbox ? "POD" : labels[K8S.container];
    workload.sandboxId = isSandbox ? inspect.Id : labels[K8S.sandbox];
  }
  return workload;
}
