import type { Owner, PodContainer, Ref } from "../contract/snapshot";
import type { PlacedWorkload } from "./collect-workloads";
import type { ProcessDescription } from "./process-owner";

export interface OwnableNetns {
  id: string;
  isHost: boolean;
  refs: Ref[];
  /** Every process in it, any order. */
  pids: number[];
}

const ENGINE_KINDS = new Set<Owner["kind"]>(["docker-container", "kubernetes-pod", "podman-pod"]);
const isEngineOwner = (o: Owner) => ENGINE_KINDS.has(o.kind);
const RUN_NETNS = /^\/run\/netns\/([^/]+)$/;

function podContainer(w: PlacedWorkload): PodContainer {
  return {
    id: w.id,
    name: w.name,
    ...(w.kubernetesName ? { kubernetesName: w.kubernetesName } : {}),
    ...(w.image ? { image: w.image } : {}),
    state: w.state,
    isSandbox: w.kind === "sandbox",
  };
}

/**
 * Who owns each namespace (pure): Kubernetes pods (dockershim labels or CRI sandboxes), podman pods,
 * standalone containers (every one that lives in it, host-network ones on the host), the names under
 * /run/netns, and, for a namespace no engine claims, its oldest process.
 */
export function assignOwners(netns: OwnableNetns[], workloads: PlacedWorkload[], describe: (pid: number) => ProcessDescription): Map<string, Owner[]> {
  const owners = new Map<string, Owner[]>();
  for (const n of netns) owners.set(n.id, []);
  const add = (netnsId: string | undefined, owner: Owner) => {
    if (netnsId !== undefined) owners.get(netnsId)?.push(owner);
  };

  // Kubernetes pods: members found by pod uid (Docker labels) or by sandbox id (CRI containers).
  const sandboxes = workloads.filter((w) => w.pod !== undefined && w.kind === "sandbox");
  const members = new Map<string, PlacedWorkload[]>();
  for (const s of sandboxes) members.set(s.id, [s]);
  for (const w of workloads) {
    if (w.kind === "sandbox" || (w.pod === undefined && w.sandboxId === undefined) || w.podmanPod !== undefined) continue;
    const sandbox = sandboxes.find(
      (s) => (w.sandboxId !== undefined && s.id === w.sandboxId) || (w.pod !== undefined && s.pod?.uid === w.pod.uid && s.runtime === w.runtime),
    );
    if (sandbox !== undefined) members.get(sandbox.id)?.push(w);
  }
  const claimed = new Set<string>();
  for (const s of sandboxes) {
    const group = members.get(s.id) ?? [s];
    for (const m of group) claimed.add(m.id);
    const pod = s.pod;
    if (pod === undefined || (s.runtime !== "docker" && s.runtime !== "containerd-cri" && s.runtime !== "cri-o")) continue;
    // A CRI sandbox is not a container of its own; Docker's pause container is.
    const containers = group.filter((m) => m.kind === "container" || s.runtime === "docker").map(podContainer);
    add(s.netnsId ?? group.find((m) => m.netnsId)?.netnsId, {
      kind: "kubernetes-pod",
      runtime: s.runtime,
      namespace: pod.namespace,
      podName: pod.name,
      name: `${pod.namespace}/${pod.name}`,
      uid: pod.uid,
      sandboxId: s.id,
      containers,
      ...(Object.keys(s.labels).length > 0 ? { labels: s.labels } : {}),
    });
  }

  // podman pods: the infra container holds the namespaces.
  const podmanPods = new Map<string, PlacedWorkload[]>();
  for (const w of workloads) {
    if (w.podmanPod === undefined) continue;
    claimed.add(w.id);
    const list = podmanPods.get(w.podmanPod.id) ?? [];
    list.push(w);
    podmanPods.set(w.podmanPod.id, list);
  }
  for (const [id, group] of podmanPods) {
    const infra = group.find((w) => w.kind === "sandbox");
    const first = group[0];
    add(infra?.netnsId ?? group.find((w) => w.netnsId)?.netnsId, {
      kind: "podman-pod",
      id,
      name: first?.podmanPod?.name ?? id,
      containers: group.map(podContainer),
    });
  }

  // Standalone containers: an owner of every namespace they live in (shared ones list all of them).
  for (const w of workloads) {
    if (claimed.has(w.id) || (w.runtime !== "docker" && w.runtime !== "podman")) continue;
    const compose = w.labels["com.docker.compose.project"];
    const service = w.labels["com.docker.compose.service"];
    add(w.netnsId, {
      kind: "docker-container",
      runtime: w.runtime,
      id: w.id,
      name: w.name,
      ...(w.image ? { image: w.image } : {}),
      state: w.state,
      ...(w.pid ? { pid: w.pid } : {}),
      ...(w.networkMode ? { networkMode: w.networkMode } : {}),
      ...(compose && service ? { compose: { project: compose, service } } : {}),
      ...(Object.keys(w.labels).length > 0 ? { labels: w.labels } : {}),
    });
  }

  for (const n of netns) {
    const list = owners.get(n.id) ?? [];
    for (const r of n.refs) {
      const name = r.kind === "bind-mount" && r.mountNamespace === undefined ? RUN_NETNS.exec(r.path ?? "")?.[1] : undefined;
      if (name !== undefined) list.push({ kind: "ip-netns", name });
    }
    if (!n.isHost && n.pids.length > 0 && !list.some(isEngineOwner)) {
      const pid = Math.min(...n.pids);
      list.push({ kind: "process", pid, ...describe(pid) });
    }
  }
  return owners;
}
