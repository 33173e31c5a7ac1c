import * as z from "zod";
import type { Workload } from "./workload";

/** The fields of podman's GET /v4.0.0/libpod/pods/json we use. */
export const podmanPodListSchema = z.array(
  z
    .object({
      Id: z.string(),
      Name: z.string(),
      InfraId: z.string().optional(),
      Containers: z
        .array(z.object({ Id: z.string() }).loose())
        .nullable()
        .default([]),
    })
    .loose(),
);
export type PodmanPodList = z.infer<typeof podmanPodListSchema>;

/**
 * Marks podman's containers with the pod they belong to; the infra container becomes the pod's
 * sandbox (it holds the pod's namespaces). Pure: returns new workloads.
 */
export function attachPodmanPods(workloads: Workload[], pods: PodmanPodList): Workload[] {
  const podOf = new Map<string, { id: string; name: string; infraId?: string }>();
  for (const pod of pods) for (const c of pod.Containers ?? []) podOf.set(c.Id, { id: pod.Id, name: pod.Name, infraId: pod.InfraId });
  return workloads.map((w) => {
    const pod = podOf.get(w.id);
    if (pod === undefined) return w;
    return { ...w, podmanPod: { id: pod.id, name: pod.name }, kind: w.id === pod.infraId ? "sandbox" : "container", sandboxId: pod.infraId };
  });
}
