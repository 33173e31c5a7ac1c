/**
 * Path trace through the hub (docs/incident-tools.md "Path trace", "Through the hub"): the owning agent's
 * GET /api/v1/trace, within 5 s (a trace asks the kernel several times), its answer checked with the contract.
 * Where the packet leaves the node by a vxlan or an uplink towards an address another node holds in its own
 * namespace, the hub, which knows every node's addresses, names that node in `exit.node`.
 */
import { traceResultSchema, type TraceQuery, type TraceResult } from "../contract/trace";
import type { SnapshotOverview } from "../contract/snapshot";
import type { AgentFailure, NodeAccess } from "./cluster-source";
import { readWithin } from "./read-within";

/** Headers and body of a trace, together. */
export const TRACE_TIMEOUT_MS = 5000;
/** A trace is a few KiB; an answer far larger is not one. */
const TRACE_MAX_BYTES = 4 * 1024 * 1024;

/** What an agent answered to a proxied call: the value, a failure of the node, or its own problem (a 4xx) to hand on. */
export type ProxiedAnswer<T> =
  | { kind: "ok"; value: T }
  | { kind: "failure"; failure: AgentFailure }
  | { kind: "problem"; status: number; contentType: string; text: string; headers: Record<string, string> };

/** The agent's query string for a parsed query (ports imply tcp already). */
export function traceSearch(query: TraceQuery): string {
  const params = new URLSearchParams({ from: query.from, to: query.to });
  if (query.proto !== undefined) params.set("proto", query.proto);
  if (query.sport !== undefined) params.set("sport", String(query.sport));
  if (query.dport !== undefined) params.set("dport", String(query.dport));
  return params.toString();
}

/**
 * The addresses of each node whose overview the hub holds, and the node holding each: of its own namespace (`scope`
 * "host", for a VTEP or a next hop) or of any namespace ("any", for a destination). Loopback is left out.
 */
export function hostAddresses(overviews: Array<{ name: string; overview: SnapshotOverview | undefined }>, scope: "host" | "any" = "host"): Map<string, string> {
  const owner = new Map<string, string>();
  const shared = new Set<string>();
  for (const { name, overview } of overviews) {
    for (const iface of (overview?.netns ?? []).filter((n) => scope === "any" || n.isHost).flatMap((n) => n.interfaces)) {
      if (iface.name === "lo") continue;
      for (const a of iface.addresses) {
        const ip = a.address.split("/")[0] ?? "";
        const known = owner.get(ip);
        if (known !== undefined && known !== name) shared.add(ip);
        else owner.set(ip, name);
      }
    }
  }
  // An address held by several nodes (docker0's 172.17.0.1) names none.
  for (const ip of shared) owner.delete(ip);
  return owner;
}

/**
 * `exit.node` filled in from the nodes' addresses when the agent left it out and another node holds `exit.remote`. For a
 * vxlan that floods (`exit.floodedTo`), the VTEP of the node that holds the destination becomes `exit.remote`. A warning
 * when the destination is on yet another node than the exit's (routed on from there).
 */
export function withExitNode(result: TraceResult, from: string, owners: Map<string, string>, destinations: Map<string, string> = new Map()): TraceResult {
  const exit = result.exit;
  if (exit === undefined) return result;
  const target = destinations.get(result.query.to);
  const floodHit = exit.remote === undefined ? exit.floodedTo?.find((vtep) => target !== undefined && owners.get(vtep) === target) : undefined;
  const remote = exit.remote ?? floodHit;
  const node = exit.node ?? (remote === undefined ? undefined : owners.get(remote));
  const named = node === undefined || node === from ? {} : { node };
  const filled: TraceResult = { ...result, exit: { ...exit, ...(remote === undefined ? {} : { remote }), ...named } };
  if (floodHit !== undefined) {
    return { ...filled, detail: `${result.detail}; the hub finds ${result.query.to} on node ${node ?? "?"}, whose VTEP is ${floodHit}` };
  }
  if (target === undefined || target === from || target === node) return filled;
  const warning =
    remote === undefined
      ? `the hub finds ${result.query.to} on node ${target}, whose VTEP is not among those flooded to: no node of the flood holds it`
      : `the hub finds ${result.query.to} on node ${target}, not on ${node === undefined ? `the node of ${remote}` : `node ${node}`}: the packet is routed on from there`;
  return { ...filled, warnings: [...filled.warnings, warning] };
}

/** Asks the node's agent for a trace: its answer parsed by the contract, a failure (502/504), or its 4xx problem. */
export async function traceOnNode(node: NodeAccess, query: TraceQuery, signal: AbortSignal): Promise<ProxiedAnswer<TraceResult>> {
  const deadline = Date.now() + TRACE_TIMEOUT_MS;
  const answer = await node.get(`/api/v1/trace?${traceSearch(query)}`, signal, {
    timeoutMs: TRACE_TIMEOUT_MS,
    idleMs: TRACE_TIMEOUT_MS,
    maxBytes: TRACE_MAX_BYTES,
  });
  if (!answer.ok) return { kind: "failure", failure: answer.failure };
  const { status, contentType, body, headers } = answer.value;
  const read = await readWithin(body, deadline, status === 200 ? TRACE_MAX_BYTES : 64 * 1024, TRACE_TIMEOUT_MS);
  if ("error" in read) return { kind: "failure", failure: { kind: read.isTimeout ? "unreachable" : "error", message: read.error, isTimeout: read.isTimeout } };
  if (status === 401 || status === 403) {
    return { kind: "failure", failure: { kind: "unauthorized", message: `the agent refused the hub's token (HTTP ${status})`, isTimeout: false } };
  }
  if (status !== 200) {
    if (status >= 400 && status < 500 && contentType.startsWith("application/problem+json"))
      return { kind: "problem", status, contentType, text: read.text, headers: headers ?? {} };
    return { kind: "failure", failure: { kind: "error", message: `the agent answered HTTP ${status}: ${read.text.slice(0, 300)}`, isTimeout: false } };
  }
  let json: unknown;
  try {
    json = JSON.parse(read.text);
  } catch {
    return { kind: "failure", failure: { kind: "error", message: "the trace is not JSON", isTimeout: false } };
  }
  const parsed = traceResultSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: "failure",
      failure: {
        kind: "error",
        message: `the trace is not in the contract (${issue === undefined ? "?" : `${issue.path.join(".")}: ${issue.message}`})`,
        isTimeout: false,
      },
    };
  }
  return { kind: "ok", value: parsed.data };
}
