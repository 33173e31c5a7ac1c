import { z } from "zod";
import { cni0Ip, MACS, MAX_PODS_PER_NODE, podIp } from "./cluster-config";
import { shq } from "./exec";
import type { ClusterPod } from "./manifest";
import { childrenOf, cmdlineOf, nsInode, nsPids, poll } from "./proc";

export type PodKind = ClusterPod["kind"];

/** The pods' MTU: vxlan0's (eth0's 1500 less the 50 bytes of VXLAN over IPv4), as a vxlan CNI sets it. */
export const POD_MTU = 1450;

/** A pod name: a DNS label, so it is a valid `ip netns` name and argv[0] as it is. */
export const podNameSchema = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/, "a pod name is a DNS label (lowercase letters, digits, '-')");

/** The pods clusterUp gives node n: a mix, odd ones `ip netns add`, even ones held by a process. */
export function defaultPods(n: number, count: number): Array<{ name: string; kind: PodKind }> {
  return Array.from({ length: count }, (_, i) => ({ name: `pod-${n}-${i + 1}`, kind: i % 2 === 0 ? "ip-netns" : "process" }));
}

export interface PodPlan {
  /** What the manifest will say, but for what only exists once the pod does (netnsId, PIDs). */
  pod: Omit<ClusterPod, "netnsId" | "pid" | "nodePid" | "netnsPath">;
  /** Bash, run inside the node: makes the pod and wires it into cni0. A process pod prints "holder <name> <pid in the node>". */
  script: string;
}

/** Pod k of node n: its veth into cni0, 10.244.<n>.<k+1>/24, default route via cni0's address. */
export function planPod(n: number, k: number, name: string, kind: PodKind): PodPlan {
  podNameSchema.parse(name);
  if (k < 1 || k > MAX_PODS_PER_NODE) throw new Error(`node ${n} has no room for pod index ${k} (1..${MAX_PODS_PER_NODE})`);
  const veth = `veth${k}`;
  const cidr = `${podIp(n, k)}/24`;
  const gateway = cni0Ip(n);
  const pod: PodPlan["pod"] = {
    name,
    k8s: { namespace: "default", name },
    kind,
    eth0: { name: "eth0", kind: "veth", mac: MACS.podEth0(n, k), cidr, peer: { netns: "node", name: veth } },
    hostVeth: { name: veth, kind: "veth", mac: MACS.podHostVeth(n, k), master: "cni0", peer: { netns: `pod:${name}`, name: "eth0" } },
    gateway,
    index: k,
  };
  const inPod = [`addr add ${cidr} dev eth0`, "link set eth0 up", "link set lo up", `route add default via ${gateway}`].join("\n");
  const q = shq(name);
  const lines =
    kind === "ip-netns"
      ? [
          `ip netns add ${q}`,
          `ip link add ${veth} mtu ${POD_MTU} address ${pod.hostVeth.mac} type veth peer name eth0 mtu ${POD_MTU} address ${pod.eth0.mac} netns ${q}`,
          `ip -n ${q} -batch - <<'EOF'\n${inPod}\nEOF`,
        ]
      : [
          // Held by nothing but this process: `unshare --net` execs bash, which execs sleep under the pod's name.
          `unshare --net -- bash -c ${shq(`exec -a ${q} sleep 2147483647`)} </dev/null >/dev/null 2>&1 &`,
          "holder=$!",
          'for _ in $(seq 500); do [ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/1/ns/net)" ] && break; sleep 0.01; done',
          `ip link add ${veth} mtu ${POD_MTU} address ${pod.hostVeth.mac} type veth peer name eth0 mtu ${POD_MTU} address ${pod.eth0.mac} netns $holder`,
          `nsenter --net=/proc/$holder/ns/net ip -batch - <<'EOF'\n${inPod}\nEOF`,
          `echo "holder ${q} $holder"`,
        ];
  lines.push(`ip link set ${veth} master cni0 up`);
  return { pod, script: lines.join("\n") };
}

/** Reads what only exists now that the pod does: its netns id, the holder's PIDs. `out` is what the scripts printed. */
export async function resolvePod(nodePid1: number, plan: PodPlan["pod"], out: string): Promise<ClusterPod> {
  if (plan.kind === "ip-netns") {
    const netnsPath = `/run/netns/${plan.name}`;
    // The node's bind mount, seen from the host through the node's root.
    return { ...plan, netnsPath, netnsId: nsInode(`/proc/${nodePid1}/root${netnsPath}`) };
  }
  const line = out.split("\n").find((l) => l.startsWith(`holder ${plan.name} `));
  const nodePid = Number(line?.split(" ")[2]);
  if (!Number.isInteger(nodePid) || nodePid <= 0) throw new Error(`the node did not report the holder of pod ${plan.name}: ${out}`);
  // Orphaned when the setup script ended, the holder is now a child of the node's pid 1; find its host PID.
  const pid = await poll(`pod ${plan.name}'s holder (pid ${nodePid} in its node)`, 5000, () =>
    childrenOf(nodePid1).find((c) => nsPids(c).at(-1) === nodePid && cmdlineOf(c)?.startsWith(`${plan.name} `) === true),
  );
  return { ...plan, pid, nodePid, netnsId: nsInode(`/proc/${pid}/ns/net`) };
}

/** Bash that removes a pod from inside its node (the veth goes with the pod's namespace; deleted first so it goes at once). */
export function removePodScript(pod: ClusterPod): string {
  const lines = [`ip link del ${pod.hostVeth.name} 2>/dev/null || true`];
  if (pod.kind === "ip-netns") lines.push(`ip netns del ${shq(pod.name)}`);
  return lines.join("\n");
}
