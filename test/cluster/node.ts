import path from "node:path";
import { cni0Ip, MACS, nodeIp, nodeName, nodeProcessName, POD_SUPERNET, VXLAN, type ClusterConfig } from "./cluster-config";
import { recordClusterProcess } from "./cluster-state";
import { inNode, runAsync } from "./exec";
import type { ClusterNode } from "./manifest";
import { planPod, resolvePod, type PodKind } from "./pods";
import { childrenOf, cmdlineOf, isAlive, logTail, nsInode, poll, spawnDetached } from "./proc";

/**
 * What a node's pid 1 does before it settles: drop the nsfs mounts it inherited (else the host's
 * /run/netns entries would be hidden mounts of the node's), its own /proc (it sees only its own
 * processes), /sys (its own netns), a tmpfs /run (its own `ip netns`, no engine sockets, the agent's
 * data dir), its hostname. Then it becomes a reaper named `<prefix>-node-<n>`: bash reaps the
 * orphans a node collects (pod holders whose starter exited).
 */
function nodeInitScript(name: string, hostname: string): string {
  const nsfsMounts = `awk '{for(i=7;i<=NF;i++) if($i=="-"){ if($(i+1)=="nsfs") print $5; break}}' /proc/self/mountinfo`;
  return [
    // One lazy unmount of a directory full of them (the host's /run/netns) is far cheaper than one each.
    `for dir in $(${nsfsMounts} | xargs -r -n1 dirname | sort -u); do [ "$dir" != / ] && mountpoint -q "$dir" && umount -l "$dir" || true; done`,
    `${nsfsMounts} | xargs -r umount -l 2>/dev/null || true`,
    `if [ -n "$(${nsfsMounts})" ]; then echo "nsfs mounts left in the node: $(${nsfsMounts} | head -3)" >&2; exit 1; fi`,
    "mount -t proc proc /proc",
    "mount -t sysfs sysfs /sys",
    "mount -t tmpfs -o mode=755 tmpfs /run",
    "mkdir -p /run/netns /run/docker/netns",
    `hostname ${hostname}`,
    "ip link set lo up",
    `exec -a ${name} bash -c 'while :; do sleep 2147483647 & wait $!; done'`,
  ].join("\n");
}

export interface StartedNode {
  n: number;
  pid: number;
  unsharePid: number;
}

/**
 * Starts node n: one process in new pid, mount, net and uts namespaces. Resolves once its pid 1 has
 * settled. `--kill-child`: should unshare die before its pid 1 is known (a failed up), the node dies with it.
 */
export async function startNode(config: ClusterConfig, n: number): Promise<StartedNode> {
  const name = nodeProcessName(config, n);
  const log = path.join(config.stateDir, "logs", `${nodeName(n)}.log`);
  const args = [
    "--pid",
    "--fork",
    "--kill-child",
    "--mount",
    "--net",
    "--uts",
    "--propagation",
    "private",
    "--",
    "bash",
    "-euo",
    "pipefail",
    "-c",
    nodeInitScript(name, nodeName(n)),
  ];
  const unsharePid = spawnDetached("unshare", args, log);
  recordClusterProcess(config, { role: `${nodeName(n)}-unshare`, pid: unsharePid, command: "unshare --pid --fork" });
  const pid = await poll(`${nodeName(n)} to settle`, 60_000, () => {
    if (!isAlive(unsharePid)) throw new Error(`${nodeName(n)} exited while starting: ${logTail(log)}`);
    return childrenOf(unsharePid).find((c) => cmdlineOf(c)?.startsWith(`${name} -c`) === true);
  });
  recordClusterProcess(config, { role: nodeName(n), pid, command: `${name} -c` });
  return { n, pid, unsharePid };
}

/**
 * Wires a started node: eth0 (a veth from the fabric bridge) with 10.250.0.<10+n>/24, the pod bridge
 * cni0 with 10.244.<n>.1/24 and a route to every node's pods through it, vxlan0 on eth0 enslaved to
 * cni0 with one all-zeros FDB entry per other node (head-end replication, no learning), forwarding on, and its first pods.
 */
export async function wireNode(
  config: ClusterConfig,
  node: StartedNode,
  allNodes: number[],
  pods: Array<{ name: string; kind: PodKind }>,
): Promise<ClusterNode> {
  const { n, pid } = node;
  const ip = nodeIp(n);
  const fabricPort = `n${n}`;
  await runAsync("ip", ["-n", config.fabricNetns, "-batch", "-"], {
    input: [
      `link add ${fabricPort} address ${MACS.fabricPort(n)} type veth peer name eth0 address ${MACS.nodeEth0(n)} netns ${pid}`,
      `link set ${fabricPort} master br0 up`,
    ].join("\n"),
  });
  const remotes = allNodes.filter((m) => m !== n).map(nodeIp);
  const plans = pods.map((p, i) => planPod(n, i + 1, p.name, p.kind));
  const script = [
    "ip -batch - <<'EOF'",
    `addr add ${ip}/24 dev eth0`,
    "link set eth0 up",
    `link add cni0 address ${MACS.cni0(n)} type bridge`,
    `addr add ${cni0Ip(n)}/24 dev cni0`,
    "link set cni0 up",
    `route add ${POD_SUPERNET} dev cni0`,
    `link add ${VXLAN.device} address ${MACS.vxlan0(n)} type vxlan id ${VXLAN.vni} dstport ${VXLAN.port} local ${ip} dev eth0 nolearning`,
    `link set ${VXLAN.device} master cni0 up`,
    "EOF",
    remotes.length > 0 ? `bridge -batch - <<'EOF'\n${remotes.map((r) => `fdb append 00:00:00:00:00:00 dev ${VXLAN.device} dst ${r}`).join("\n")}\nEOF` : "",
    "sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0",
    ...plans.map((p) => p.script),
  ].join("\n");
  const out = await inNode(pid, script);
  const resolved = [];
  for (const plan of plans) resolved.push(await resolvePod(pid, plan.pod, out));
  return {
    name: nodeName(n),
    index: n,
    hostname: nodeName(n),
    pid,
    unsharePid: node.unsharePid,
    netnsId: nsInode(`/proc/${pid}/ns/net`),
    pidNamespaceId: nsInode(`/proc/${pid}/ns/pid`),
    mountNamespaceId: nsInode(`/proc/${pid}/ns/mnt`),
    eth0: { name: "eth0", kind: "veth", mac: MACS.nodeEth0(n), cidr: `${ip}/24`, peer: { netns: "fabric", name: fabricPort } },
    cni0: { name: "cni0", kind: "bridge", mac: MACS.cni0(n), cidr: `${cni0Ip(n)}/24` },
    vxlan0: { name: VXLAN.device, kind: "vxlan", mac: MACS.vxlan0(n), master: "cni0", vni: VXLAN.vni, port: VXLAN.port, local: ip, remotes },
    podSubnet: `10.244.${n}.0/24`,
    pods: resolved,
    nextPodIndex: plans.length + 1,
    agent: null,
  };
}
