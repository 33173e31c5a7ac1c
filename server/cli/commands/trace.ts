import { netnsIdSchema, type Snapshot } from "../../contract/snapshot";
import { PASSING_VERDICTS, traceQuerySchema } from "../../contract/trace";
import { findContainer, findIpNetns, findPod, findPodmanPod } from "../../lookups/find-owner";
import { formatTrace } from "../../trace/format-trace";
import { traceSource } from "../../trace/trace-source";
import { CliFailure } from "../cli-failure";
import { printJson, printText } from "../output";
import { describeTarget, parseWhereTarget } from "../where-target";
import { withAgent } from "../with-agent";

export interface TraceOptions {
  /** A namespace id (inode), a pod (namespace/name), or a container, podman pod or ip netns name. */
  target: string;
  to: string;
  json: boolean;
  proto: string | undefined;
  sport: string | undefined;
  dport: string | undefined;
}

/** The namespace `target` names in `snapshot`: an inode that is a namespace, else a pod, container, podman pod or ip netns name. */
function resolveFrom(snapshot: Snapshot, target: string): string {
  if (netnsIdSchema.safeParse(target).success && snapshot.netns.some((n) => n.id === target)) return target;
  const where = parseWhereTarget(target);
  if (where === undefined)
    throw new CliFailure(`nsatlas trace: ${JSON.stringify(target)} is not a namespace id, a pod (namespace/name) or a container name or id`, 2);
  const found =
    where.kind === "pod"
      ? findPod(snapshot, where.namespace, where.name)
      : (findContainer(snapshot, where.ref) ?? findPodmanPod(snapshot, where.ref) ?? findIpNetns(snapshot, where.ref));
  const netns = found?.netns[0];
  if (netns === undefined) {
    const what = netnsIdSchema.safeParse(target).success ? `namespace ${target} or ${describeTarget(where)}` : describeTarget(where);
    throw new CliFailure(`nsatlas trace: no ${what} on this node (nsatlas list shows what there is)`, 1);
  }
  return netns.id;
}

/**
 * `nsatlas trace <netnsId | namespace/pod | container> <ip> [--proto tcp|udp|icmp] [--sport N] [--dport N] [--json]`:
 * where a packet from that namespace to <ip> goes, as the kernel's routing in each namespace on the way
 * answers. Exit 0 when it is delivered or leaves the node, 1 otherwise (the verdict says why).
 */
export async function traceCommand(options: TraceOptions): Promise<number> {
  // Checked before the node is read: the namespace is resolved below (any valid id stands in for it here).
  const flow = traceQuerySchema.safeParse({ from: "1", to: options.to, proto: options.proto, sport: options.sport, dport: options.dport });
  if (!flow.success) {
    const issue = flow.error.issues[0];
    throw new CliFailure(`nsatlas trace: ${issue?.path.join(".") || "argument"}: ${issue?.message ?? "invalid"}`, 2);
  }
  const result = await withAgent(async (agent) => {
    const snapshot = await agent.snapshot(undefined, { fresh: true });
    const from = resolveFrom(snapshot, options.target);
    const traced = await traceSource({ snapshot: () => Promise.resolve(snapshot), service: agent.service }).trace({ ...flow.data, from });
    if (traced === undefined) throw new CliFailure(`nsatlas trace: namespace ${from} is gone`, 1);
    return traced;
  });
  if (options.json) printJson(result);
  else printText(formatTrace(result));
  return PASSING_VERDICTS.includes(result.verdict) ? 0 : 1;
}
