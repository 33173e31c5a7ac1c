/**
 * The interfaces a capture request names, found in a snapshot: by namespace and name, every interface
 * of a pod, or a veth and its peer. Each gets its label for the file, "<owner>/<iface>" (the
 * namespace as people name it: "host", "shop/api-7f9", a container, an ip-netns name).
 */
import { CAPTURE_LIMITS, type CaptureSource, type CaptureTarget } from "../contract/capture";
import { netnsLabel } from "../contract/display";
import type { Interface, Netns, Snapshot } from "../contract/snapshot";
import { findPod } from "../lookups/find-owner";
import { CaptureError } from "./capture-error";

export interface ResolvedSource {
  netns: Netns;
  iface: Interface;
  /** "<owner>/<iface>", e.g. "shop/api-7f9/eth0", "host/eth0". */
  label: string;
}

const resolved = (netns: Netns, iface: Interface): ResolvedSource => ({ netns, iface, label: `${netnsLabel(netns)}/${iface.name}` });

function findSource(snapshot: Snapshot, source: CaptureSource): ResolvedSource {
  const netns = snapshot.netns.find((n) => n.id === source.netnsId);
  if (netns === undefined) throw new CaptureError(404, "No such namespace", `no network namespace with inode ${source.netnsId} exists on this node now`);
  const iface = netns.interfaces.find((i) => i.name === source.iface);
  if (iface === undefined) {
    const names = netns.interfaces.map((i) => i.name).join(", ");
    throw new CaptureError(
      404,
      "No such interface",
      `namespace ${netnsLabel(netns)} (${netns.id}) has no interface ${source.iface}${names === "" ? "" : ` (it has ${names})`}`,
    );
  }
  return resolved(netns, iface);
}

/** Is `source` (a request's interface) in the snapshot? Used to decide whether a fresher snapshot might know it. */
export function isKnown(snapshot: Snapshot, target: CaptureTarget): boolean {
  try {
    resolveSources(snapshot, target);
    return true;
  } catch {
    return false;
  }
}

export function resolveSources(snapshot: Snapshot, target: CaptureTarget): ResolvedSource[] {
  if (target.kind === "sources") return target.sources.map((s) => findSource(snapshot, s));
  if (target.kind === "veth") {
    const end = findSource(snapshot, target.source);
    if (end.iface.kind !== "veth") throw new CaptureError(400, "Not a veth", `${end.label} is a ${end.iface.kind} interface, not a veth`);
    const peer = end.iface.peer;
    const peerNetns = peer === undefined ? undefined : snapshot.netns.find((n) => n.id === peer.netnsId);
    const peerIface = peerNetns?.interfaces.find((i) => i.ifindex === peer?.ifindex);
    if (peerNetns === undefined || peerIface === undefined)
      throw new CaptureError(404, "Peer not found", `the other end of ${end.label} is not in any namespace nsatlas can read`);
    return [end, resolved(peerNetns, peerIface)];
  }
  const pod = findPod(snapshot, target.namespace, target.name);
  if (pod === undefined) throw new CaptureError(404, "No such pod", `no pod ${target.namespace}/${target.name} runs on this node now`);
  const sources = pod.netns.flatMap((n) => n.interfaces.map((i) => resolved(n, i)));
  if (sources.length === 0) throw new CaptureError(404, "No interfaces", `pod ${target.namespace}/${target.name} has no interface nsatlas could read`);
  if (sources.length > CAPTURE_LIMITS.maxSources) {
    throw new CaptureError(
      400,
      "Too many interfaces",
      `pod ${target.namespace}/${target.name} has ${sources.length} interfaces (a host-network pod?): a capture takes at most ${CAPTURE_LIMITS.maxSources}; name them in "sources"`,
    );
  }
  return sources;
}
