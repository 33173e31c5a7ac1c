import fs from "node:fs";
import { z } from "zod";
import { manifestFile, type ClusterConfig } from "./cluster-config";

/** A namespace inode as a decimal string, as nsatlas reports it (stat of the nsfs file). */
const netnsIdSchema = z.string().regex(/^\d+$/);

/** One interface the cluster made, with the address it gave it. */
export const clusterInterfaceSchema = z.object({
  name: z.string(),
  kind: z.enum(["veth", "bridge", "vxlan"]),
  mac: z.string(),
  /** "10.244.1.2/24"; absent for a port without an address (a pod's host veth, vxlan0). */
  cidr: z.string().optional(),
  /** The bridge it is a port of, in the same namespace. */
  master: z.string().optional(),
  /** A veth's other end: where ("fabric", "hub", "node", "pod:<name>") and its name. */
  peer: z.object({ netns: z.string(), name: z.string() }).optional(),
});
export type ClusterInterface = z.infer<typeof clusterInterfaceSchema>;

export const podSchema = z.object({
  /** Unique in the cluster, e.g. "pod-2-3"; the `ip netns` name, or the holder's argv[0]. */
  name: z.string(),
  /** Kubernetes-style identity. Only the cluster knows it: no runtime here tells nsatlas (it sees an ip netns or a process). */
  k8s: z.object({ namespace: z.string(), name: z.string() }),
  /** ip-netns: `ip netns add` inside the node (a bind mount in the node's /run/netns); process: held only by `unshare --net` sleeping. */
  kind: z.enum(["ip-netns", "process"]),
  netnsId: netnsIdSchema,
  /** ip-netns: the bind mount, as the node (and its agent) sees it. */
  netnsPath: z.string().optional(),
  /** process: the holder's PID as the host sees it, and as the node does. */
  pid: z.number().int().optional(),
  nodePid: z.number().int().optional(),
  /** The pod's eth0. */
  eth0: clusterInterfaceSchema,
  /** The node-side end of the pod's veth, a port of cni0. */
  hostVeth: clusterInterfaceSchema,
  gateway: z.string(),
  /** Pod index on its node: its address is 10.244.<node>.<index+1>. */
  index: z.number().int(),
});
export type ClusterPod = z.infer<typeof podSchema>;

export const agentSchema = z.object({
  /** "http://10.250.0.11:7471", reachable from the hub netns only. */
  url: z.string(),
  listen: z.string(),
  dataDir: z.string(),
  /** The agent's PID as the host sees it; null once killAgent stopped it. */
  pid: z.number().int().nullable(),
  /** Its command line when started, to check a PID is still it before signalling. */
  command: z.string(),
  state: z.enum(["running", "stopped"]),
  startedAt: z.string(),
  /** How long from spawn to the first 200 on /readyz from the hub. */
  readyMs: z.number().optional(),
});
export type ClusterAgent = z.infer<typeof agentSchema>;

export const nodeSchema = z.object({
  name: z.string(),
  index: z.number().int().positive(),
  hostname: z.string(),
  /** The node's pid 1 (unshare's child) as the host sees it: SIGKILL ends the whole node. */
  pid: z.number().int(),
  /** The `unshare` process that made it (it exits with pid 1). */
  unsharePid: z.number().int(),
  netnsId: netnsIdSchema,
  pidNamespaceId: z.string(),
  mountNamespaceId: z.string(),
  eth0: clusterInterfaceSchema,
  cni0: clusterInterfaceSchema,
  vxlan0: clusterInterfaceSchema.extend({ vni: z.number().int(), port: z.number().int(), local: z.string(), remotes: z.array(z.string()) }),
  podSubnet: z.string(),
  pods: z.array(podSchema),
  /** The index the next pod added to this node gets (indexes are never reused). */
  nextPodIndex: z.number().int(),
  agent: agentSchema.nullable(),
});
export type ClusterNode = z.infer<typeof nodeSchema>;

export const clusterManifestSchema = z.object({
  prefix: z.string(),
  createdAt: z.string(),
  upMs: z.number(),
  /** The bearer token every agent wants. */
  token: z.string(),
  serviceName: z.string(),
  agentPort: z.number().int(),
  fabric: z.object({ netns: z.string(), netnsId: netnsIdSchema, bridge: z.string(), subnet: z.string() }),
  hub: z.object({
    netns: z.string(),
    netnsId: netnsIdSchema,
    eth0: clusterInterfaceSchema,
    dnsmasq: z.object({ pid: z.number().int(), hostsFile: z.string(), listen: z.string() }),
    /** A forward proxy inside the hub netns on a unix socket: how the host-side tests reach the agents (hub-client.ts). */
    gateway: z.object({ pid: z.number().int(), socket: z.string() }),
  }),
  vxlan: z.object({ vni: z.number().int(), port: z.number().int(), device: z.string(), podSupernet: z.string() }),
  nodes: z.array(nodeSchema),
});
export type ClusterManifest = z.infer<typeof clusterManifestSchema>;

export function readClusterManifest(config: ClusterConfig): ClusterManifest {
  return clusterManifestSchema.parse(JSON.parse(fs.readFileSync(manifestFile(config), "utf8")));
}

export function writeClusterManifest(config: ClusterConfig, manifest: ClusterManifest): void {
  const parsed = clusterManifestSchema.parse(manifest);
  const file = manifestFile(config);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(parsed, null, 2), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

export function findNode(manifest: ClusterManifest, name: string): ClusterNode {
  const node = manifest.nodes.find((n) => n.name === name);
  if (node === undefined) throw new Error(`cluster ${manifest.prefix} has no node ${name} (it has ${manifest.nodes.map((n) => n.name).join(", ")})`);
  return node;
}
