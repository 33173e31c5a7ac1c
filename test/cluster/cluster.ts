/**
 * A simulated Kubernetes-like cluster on this one machine, for the node agents and the hub:
 *   fabric netns (bridge br0, 10.250.0.0/24) ── node-1 … node-N ── hub netns (10.250.0.2, dnsmasq, gateway)
 * Each node is one process in its own pid, mount, net and uts namespaces (node.ts) with eth0 on the
 * fabric, a pod bridge cni0 (10.244.<n>.0/24), vxlan0 to every other node, pods (`ip netns add` ones and
 * process-held ones), and an `nsatlas agent` started inside it. The hub's DNS answers the headless
 * Service name with every agent's address. Ground truth is the manifest (manifest.ts) in
 * /run/nsatlas-cluster/<prefix>/manifest.json. See docs/testing-cluster.md.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { hasCommand, run } from "../lab/sh";
import { AGENT_PORT, CLUSTER_STATE_ROOT, clusterConfig, MAX_NODES, nodeIp, POD_SUPERNET, SERVICE_NAME, VXLAN, type ClusterConfig } from "./cluster-config";
import { killOurs, readClusterState } from "./cluster-state";
import { startAgent, stopAgent, waitReady } from "./agents";
import { inNode } from "./exec";
import { dnsUp, fabricAndHubDown, fabricAndHubUp, gatewayUp, setServiceAddresses } from "./hub";
import { hubClient, type HubClient } from "./hub-client";
import { findNode, readClusterManifest, writeClusterManifest, type ClusterManifest, type ClusterNode, type ClusterPod } from "./manifest";
import { startNode, wireNode } from "./node";
import { defaultPods, planPod, removePodScript, resolvePod, type PodKind } from "./pods";
import { cmdlineOf, rssKiB } from "./proc";

export interface ClusterUpOptions {
  prefix?: string;
  nodes: number;
  podsPerNode: number;
  /** Start an `nsatlas agent` in every node and wait until each is ready from the hub (default true). */
  agents?: boolean;
  /** The agents' bearer token (16+ characters); a random one when not given. */
  token?: string;
  /** Log each step's time to the console. */
  verbose?: boolean;
  /** Extra environment of every agent (e.g. NSATLAS_CAPTURE=1); not kept for restartAgent, which takes its own. */
  agentEnv?: Record<string, string>;
}

/** How many nodes are wired, or agents spawned, at once: the machine has few cores and each step is mostly exec. */
const PARALLEL = 4;

/** Runs `work` on `size` items at a time; on a failure, waits for the rest of the batch (so teardown finds all it started), then throws. */
async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    for (const settled of await Promise.allSettled(items.slice(i, i + size).map(work))) {
      if (settled.status === "rejected") throw settled.reason instanceof Error ? settled.reason : new Error(String(settled.reason));
      results.push(settled.value);
    }
  }
  return results;
}

/**
 * Brings the cluster up from a clean slate (whatever an earlier run of this prefix left is removed first)
 * and returns a handle on it. On any failure it tears down what it made and rethrows.
 */
export async function clusterUp(options: ClusterUpOptions): Promise<Cluster> {
  if (process.getuid?.() !== 0) throw new Error("the cluster lab creates namespaces: run it as root");
  if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > MAX_NODES) throw new Error(`nodes: 1..${MAX_NODES}`);
  if (!Number.isInteger(options.podsPerNode) || options.podsPerNode < 0 || options.podsPerNode > 100) throw new Error("podsPerNode: 0..100");
  if (!hasCommand("dnsmasq")) throw new Error("dnsmasq is missing: apt-get install dnsmasq-base");
  const token = options.token ?? crypto.randomBytes(24).toString("hex");
  if (token.length < 16) throw new Error("the token needs 16+ characters (the agents refuse shorter ones)");
  const config = clusterConfig(options.prefix);
  const log = (what: string, since: number) => options.verbose === true && console.log(`cluster ${config.prefix}: ${what} (${Date.now() - since} ms)`);
  const started = Date.now();
  await clusterDown(config.prefix);
  fs.mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  try {
    let t = Date.now();
    const { fabric, hubNetnsId, hubEth0 } = fabricAndHubUp(config);
    log("fabric and hub netns", t);
    t = Date.now();
    const indexes = Array.from({ length: options.nodes }, (_, i) => i + 1);
    const startedNodes = await inBatches(indexes, PARALLEL * 2, (n) => startNode(config, n));
    log(`${options.nodes} node processes`, t);
    t = Date.now();
    const nodes = await inBatches(startedNodes, PARALLEL, (node) => wireNode(config, node, indexes, defaultPods(node.n, options.podsPerNode)));
    log(`nodes wired, ${options.nodes * options.podsPerNode} pods`, t);
    t = Date.now();
    const dnsmasq = await dnsUp(config, indexes.map(nodeIp));
    const gateway = await gatewayUp(config);
    log("dnsmasq and the hub gateway", t);
    const manifest: ClusterManifest = {
      prefix: config.prefix,
      createdAt: new Date().toISOString(),
      upMs: 0,
      token,
      serviceName: SERVICE_NAME,
      agentPort: AGENT_PORT,
      fabric,
      hub: { netns: config.hubNetns, netnsId: hubNetnsId, eth0: hubEth0, dnsmasq, gateway },
      vxlan: { vni: VXLAN.vni, port: VXLAN.port, device: VXLAN.device, podSupernet: POD_SUPERNET },
      nodes,
    };
    if (options.agents !== false) {
      t = Date.now();
      for (const node of nodes) node.agent = await startAgent(config, node, token, options.agentEnv);
      const readyMs = await waitReady(
        config,
        hubClient(manifest),
        nodes.flatMap((node) => (node.agent === null ? [] : [{ node, agent: node.agent }])),
        // Every agent's first scan competes for the same few cores.
        60_000 + 5000 * nodes.length,
      );
      for (const node of nodes) if (node.agent !== null) node.agent.readyMs = readyMs.get(node.name);
      log(`${nodes.length} agents ready from the hub`, t);
    }
    manifest.upMs = Date.now() - started;
    writeClusterManifest(config, manifest);
    log("up", started);
    return new Cluster(config);
  } catch (err) {
    console.error(`cluster ${config.prefix}: up failed, tearing down: ${err instanceof Error ? err.message : String(err)}`);
    await clusterDown(config.prefix);
    throw err;
  }
}

/**
 * Removes everything the cluster `prefix` made, found from its state file and names, so it also works
 * after a failed up: SIGKILLs each node's pid 1 by recorded PID (which ends every process in that node:
 * agent, pod holders) and the hub's dnsmasq and gateway, deletes the fabric and hub netns, the hub's
 * /etc/netns files and the state directory. Idempotent.
 */
export async function clusterDown(prefix?: string): Promise<void> {
  const config = clusterConfig(prefix);
  const state = readClusterState(config);
  // Nodes first (each takes its agent and pods with it), then what is left in the host's pid namespace.
  const order = (role: string) => (/^node-\d+$/.test(role) ? 0 : 1);
  for (const proc of [...state.processes].sort((a, b) => order(a.role) - order(b.role))) await killOurs(proc);
  fabricAndHubDown(config);
  fs.rmSync(config.stateDir, { recursive: true, force: true });
  if (fs.existsSync(CLUSTER_STATE_ROOT) && fs.readdirSync(CLUSTER_STATE_ROOT).length === 0) fs.rmdirSync(CLUSTER_STATE_ROOT);
}

/** A handle on a cluster that is up: its manifest (read fresh each time) and the helpers that change it. */
export class Cluster {
  readonly hub: HubClient;

  constructor(readonly config: ClusterConfig) {
    this.hub = hubClient(this.manifest);
  }

  get prefix(): string {
    return this.config.prefix;
  }

  get manifest(): ClusterManifest {
    return readClusterManifest(this.config);
  }

  node(name: string): ClusterNode {
    return findNode(this.manifest, name);
  }

  pod(nodeName: string, podName: string): ClusterPod {
    const pod = this.node(nodeName).pods.find((p) => p.name === podName);
    if (pod === undefined) throw new Error(`${nodeName} has no pod ${podName}`);
    return pod;
  }

  /** The node agent's base URL (from the hub netns). */
  agentUrl(nodeName: string): string {
    return `http://${nodeIp(this.node(nodeName).index)}:${AGENT_PORT}`;
  }

  private update(change: (manifest: ClusterManifest) => void): ClusterManifest {
    const manifest = this.manifest;
    change(manifest);
    writeClusterManifest(this.config, manifest);
    return manifest;
  }

  /** Adds a pod to a node (an `ip netns add` one unless told otherwise), wired into cni0 like the others. */
  async addPod(nodeName: string, podName: string, options: { kind?: PodKind } = {}): Promise<ClusterPod> {
    const manifest = this.manifest;
    if (manifest.nodes.some((n) => n.pods.some((p) => p.name === podName))) throw new Error(`the cluster already has a pod ${podName}`);
    const node = findNode(manifest, nodeName);
    const plan = planPod(node.index, node.nextPodIndex, podName, options.kind ?? "ip-netns");
    const out = await inNode(node.pid, plan.script);
    const pod = await resolvePod(node.pid, plan.pod, out);
    this.update((m) => {
      const n = findNode(m, nodeName);
      n.pods.push(pod);
      n.nextPodIndex += 1;
    });
    return pod;
  }

  /** Removes a pod: deletes its veth and `ip netns`, or SIGKILLs its holder by recorded PID. */
  async removePod(nodeName: string, podName: string): Promise<void> {
    const node = this.node(nodeName);
    const pod = this.pod(nodeName, podName);
    await inNode(node.pid, removePodScript(pod));
    if (pod.kind === "process" && pod.pid !== undefined) await killOurs({ role: `pod ${pod.name}`, pid: pod.pid, command: `${pod.name} ` });
    this.update((m) => {
      const n = findNode(m, nodeName);
      n.pods = n.pods.filter((p) => p.name !== podName);
    });
  }

  /** Stops a node's agent (SIGKILL by default, by its recorded PID). The Service's DNS still lists the node, as a not-yet-updated headless Service would. */
  async killAgent(nodeName: string, signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<void> {
    await stopAgent(this.config, this.node(nodeName), signal);
    this.update((m) => {
      const agent = findNode(m, nodeName).agent;
      if (agent !== null) Object.assign(agent, { pid: null, state: "stopped" });
    });
  }

  /** Starts the node's agent again (stopping a running one first), with `agentEnv` if given, and waits until it is ready from the hub. */
  async restartAgent(nodeName: string, options: { agentEnv?: Record<string, string> } = {}): Promise<void> {
    await this.killAgent(nodeName);
    const node = this.node(nodeName);
    const agent = await startAgent(this.config, node, this.manifest.token, options.agentEnv);
    this.update((m) => {
      findNode(m, nodeName).agent = agent;
    });
    const readyMs = await waitReady(this.config, this.hub, [{ node, agent }]);
    this.update((m) => {
      const a = findNode(m, nodeName).agent;
      if (a !== null) a.readyMs = readyMs.get(nodeName);
    });
  }

  /** Sets which nodes the Service's DNS answers (all of them after up), e.g. to model an agent leaving the endpoints. */
  setServiceNodes(nodeNames: string[]): void {
    const manifest = this.manifest;
    setServiceAddresses(
      this.config,
      manifest.hub.dnsmasq.pid,
      nodeNames.map((name) => nodeIp(findNode(manifest, name).index)),
    );
  }

  /** The command line that runs `cmd` inside a pod's network namespace (from the host: nsenter into it). */
  podCommand(nodeName: string, podName: string, cmd: string[]): [string, string[]] {
    const node = this.node(nodeName);
    const pod = this.pod(nodeName, podName);
    const net = pod.kind === "process" ? `/proc/${pod.pid ?? 0}/ns/net` : `/proc/${node.pid}/root${pod.netnsPath ?? ""}`;
    return ["nsenter", [`--net=${net}`, "--", ...cmd]];
  }

  /** Pings `ip` from inside a pod (real ICMP; busybox's ping when iputils' is missing); returns ping's output, throws if nothing came back. */
  ping(nodeName: string, podName: string, ip: string, count = 3): string {
    const ping = hasCommand("ping") ? ["ping"] : ["busybox", "ping"];
    const [cmd, args] = this.podCommand(nodeName, podName, [...ping, "-c", String(count), "-W", "2", ip]);
    return run(cmd, args, { timeoutMs: 30_000 });
  }

  /** The agents' resident memory, summed (KiB), and each one's. */
  agentsRss(): { totalKiB: number; perNode: Record<string, number> } {
    const perNode: Record<string, number> = {};
    for (const node of this.manifest.nodes) {
      const pid = node.agent?.pid;
      if (pid !== null && pid !== undefined && cmdlineOf(pid) === node.agent?.command) perNode[node.name] = rssKiB(pid);
    }
    return { totalKiB: Object.values(perNode).reduce((a, b) => a + b, 0), perNode };
  }

  down(): Promise<void> {
    return clusterDown(this.prefix);
  }
}

/** A handle on a cluster that is already up (its manifest must exist). */
export function openCluster(prefix?: string): Cluster {
  return new Cluster(clusterConfig(prefix));
}
