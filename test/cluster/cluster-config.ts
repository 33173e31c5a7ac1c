import path from "node:path";
import { z } from "zod";

/**
 * The simulated cluster's names and address plan. Everything it makes in the host carries the prefix:
 * the fabric and hub namespaces (`<prefix>-fabric`, `<prefix>-hub`), /etc/netns/<prefix>-hub, the state
 * directory /run/nsatlas-cluster/<prefix>, and each node's pid 1, whose command line reads
 * `<prefix>-node-<n> …`. Interfaces and pods live inside namespaces the cluster made, so they need no
 * prefix. Short, like the single-node lab's, and a different default (`nsc`) so both can be up at once.
 */
export const clusterPrefixSchema = z.string().regex(/^[a-z][a-z0-9]{1,5}$/, "cluster prefix: 2-6 lowercase letters/digits, starting with a letter");

export const DEFAULT_PREFIX = "nsc";

/** The most nodes the address plan has room for (node n's eth0 is 10.250.0.<10+n>). */
export const MAX_NODES = 200;
/** The most pods one node can have over its life: pod k gets 10.244.<n>.<k+1>. */
export const MAX_PODS_PER_NODE = 250;

/** The node agents' port, as the DaemonSet would use. */
export const AGENT_PORT = 7471;
/** The headless Service's name: answers every node agent's address. */
export const SERVICE_NAME = "nsatlas-agent.nsatlas.svc.cluster.local";
/** The overlay between the nodes. */
export const VXLAN = { vni: 42, port: 4789, device: "vxlan0" } as const;
/** Where each agent keeps its history, inside its node (the node's own /run, a tmpfs). */
export const AGENT_DATA_DIR = "/run/nsatlas";

/**
 * The address plan: 10.250.0.0/24 for the nodes' eth0 on the fabric (the hub is .2, node n is .10+n)
 * and 10.244.<n>.0/24 for node n's pods (its cni0 is .1). Both only ever exist in namespaces the
 * cluster made; the host's own namespace gets no address and no interface. The single-node lab uses
 * 10.231.x (test/lab/lab-config.ts SUBNETS).
 */
export const FABRIC_SUBNET = "10.250.0.0/24";
export const HUB_IP = "10.250.0.2";
export const POD_SUPERNET = "10.244.0.0/16";

export function nodeName(n: number): string {
  return `node-${n}`;
}

export function nodeIp(n: number): string {
  return `10.250.0.${10 + n}`;
}

export function cni0Ip(n: number): string {
  return `10.244.${n}.1`;
}

export function podIp(n: number, k: number): string {
  return `10.244.${n}.${k + 1}`;
}

/** Deterministic, locally administered MACs, so a test can tell every interface from its address. */
export const MACS = {
  nodeEth0: (n: number) => mac(0x50, 0, n, 1),
  fabricPort: (n: number) => mac(0x50, 0, n, 2),
  cni0: (n: number) => mac(0x44, n, 0, 1),
  vxlan0: (n: number) => mac(0x4a, 0, n, 1),
  podEth0: (n: number, k: number) => mac(0x44, n, k, 2),
  podHostVeth: (n: number, k: number) => mac(0x44, n, k, 3),
  hubEth0: mac(0x50, 0, 0, 0xf1),
  hubFabricPort: mac(0x50, 0, 0, 0xf2),
} as const;

function mac(kind: number, a: number, b: number, c: number): string {
  return [2, kind, 0, a, b, c].map((x) => x.toString(16).padStart(2, "0")).join(":");
}

export interface ClusterConfig {
  prefix: string;
  stateDir: string;
  fabricNetns: string;
  hubNetns: string;
  /** ip netns exec bind-mounts the files here over /etc inside the hub netns (resolv.conf, nsswitch.conf). */
  hubEtcDir: string;
}

export function clusterConfig(prefix: string = DEFAULT_PREFIX): ClusterConfig {
  const p = clusterPrefixSchema.parse(prefix);
  return {
    prefix: p,
    stateDir: path.join(CLUSTER_STATE_ROOT, p),
    fabricNetns: `${p}-fabric`,
    hubNetns: `${p}-hub`,
    hubEtcDir: path.join("/etc/netns", `${p}-hub`),
  };
}

export const CLUSTER_STATE_ROOT = "/run/nsatlas-cluster";

export function manifestFile(config: ClusterConfig): string {
  return path.join(config.stateDir, "manifest.json");
}

/** Node n's pid 1 runs under this name (bash `exec -a`), so it is found and checked by its command line. */
export function nodeProcessName(config: ClusterConfig, n: number): string {
  return `${config.prefix}-${nodeName(n)}`;
}
