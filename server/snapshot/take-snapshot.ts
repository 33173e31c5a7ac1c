import { randomBytes } from "node:crypto";
import { findAnomalies } from "../anomalies/find-anomalies";
import { ERRNO } from "../collect/describe-failure";
import { decodeNsidAnswer } from "../collect/rtnl-decode";
import type { NetnsContent } from "../collect/decode-reading";
import type { NetnsReader } from "../collect/netns-reader";
import { snapshotSchema, type Netns, type Snapshot } from "../contract/snapshot";
import type { DiscoveredNetns } from "../discover/discover";
import { nodeInfo } from "../node-info";
import { applyAnswers, translateNsids, wireInterfaces } from "../wire/pair-veths";
import { assignOwners } from "../runtimes/assign-owners";
import { placeWorkloads } from "../runtimes/collect-workloads";
import type { EngineWatch } from "../runtimes/engine-watch";
import { describeProcess } from "../runtimes/process-owner";
import { netnsToContract } from "./to-contract";
import { readNamespaces, type NamespacesRead, type ReadCounts, type ReadNamespacesOptions } from "./read-namespaces";
import { readVxlanFdb } from "./vxlan-fdb";

export interface SnapshotOptions extends ReadNamespacesOptions {
  /** The engines to ask for owners; none still yields ip-netns and process owners. */
  engines?: EngineWatch;
  /**
   * A reading already under way (a one-shot command's read-ahead, see read-ahead.ts), taken instead of a new
   * one; the read options above then go unused.
   */
  started?: Promise<NamespacesRead>;
  /** The node's name in the snapshot (NSATLAS_NODE_NAME); the hostname when undefined. */
  nodeName?: string;
  /** Validate the result against the contract (tests and the CLI; the API skips it on the hot path). */
  validate?: boolean;
}

/** How to reach a namespace of a snapshot again (internal; not on the wire). */
export interface NetnsAccess {
  openPath: string;
  pids: number[];
}

export interface SnapshotReading {
  snapshot: Snapshot;
  access: Map<string, NetnsAccess>;
  reads: ReadCounts;
}

/**
 * One complete pass: discover → read every namespace → resolve nsids → wire → contract.
 * What runs per namespace on every scan loops rather than passing callbacks made per call: V8 drops the optimised
 * code of such closures at each full GC and compiles them again on the next scan (measured with --trace-opt: ~15
 * recompilations a scan at 368 namespaces, most of an idle agent's compiler work).
 */
export async function takeSnapshot(reader: NetnsReader, options: SnapshotOptions): Promise<SnapshotReading> {
  // Engines answer over sockets while the worker reads namespaces (after a read-ahead, while this thread wires).
  options.engines?.refresh();
  const { discovery, contents, reads, readMs, takenAt, startedMs } = await (options.started ?? readNamespaces(reader, options));
  const openPath = new Map<string, string>();
  for (const n of discovery.netns) openPath.set(n.id, n.openPath);

  const wireStarted = performance.now();
  // Sent with the nsid questions; never rejects (a namespace's failure becomes one of its errors).
  const fdbRead = readVxlanFdb(reader, contents, openPath);
  const { known, questions } = translateNsids(contents, discovery.hostNetnsId);
  if (questions.length > 0) {
    const asked = await reader.askIds(
      questions.map((q) => ({
        id: q.netnsId,
        path: openPath.get(q.netnsId) ?? "",
        candidates: q.candidates.flatMap((c) => (openPath.has(c) ? [{ id: c, path: openPath.get(c) ?? "" }] : [])),
      })),
    );
    const answers = new Map<string, Map<string, number>>();
    for (const a of asked) {
      // One namespace may be asked in several queries (veths into several others): keep every answer.
      const byCandidate = answers.get(a.id) ?? new Map<string, number>();
      for (const { id, answer } of a.answers) byCandidate.set(id, decodeNsidAnswer(answer, `netns ${a.id} nsid of ${id}`));
      answers.set(a.id, byCandidate);
    }
    applyAnswers(known, answers);
  }
  const fdb = await fdbRead;
  const wiring = wireInterfaces(contents, known);
  const byId = new Map<string, NetnsContent>();
  for (const c of contents) byId.set(c.id, c);
  const found: DiscoveredNetns[] = [];
  for (const n of discovery.netns) if (!(n.isTypeUnverified && isNotNetns(byId.get(n.id)))) found.push(n);
  const wireMs = performance.now() - wireStarted;

  const ownersStarted = performance.now();
  const netnsKey = found.map((n) => n.id).join(",");
  const { workloads, runtimes } = options.engines === undefined ? { workloads: [], runtimes: [] } : await options.engines.stateFor(netnsKey);
  const owners = assignOwners(found, placeWorkloads(workloads), describeProcess);
  const netns: Netns[] = [];
  for (const n of found) {
    netns.push(netnsToContract(n, byId.get(n.id), wiring.get(n.id), owners.get(n.id) ?? [], { byIfindex: fdb.byNetns.get(n.id), error: fdb.errors.get(n.id) }));
  }
  const ownersMs = performance.now() - ownersStarted;

  const snapshot: Omit<Snapshot, "anomalies"> = {
    id: `${takenAt.getTime()}-${randomBytes(4).toString("hex")}`,
    takenAt: takenAt.toISOString(),
    node: nodeInfo(options.nodeName),
    netns,
    staleFiles: discovery.staleFiles,
    runtimes,
    timings: {
      discoverMs: round(discovery.discoverMs),
      fdScanMs: round(discovery.fdScanMs),
      readMs: round(readMs),
      wireMs: round(wireMs),
      ownersMs: round(ownersMs),
      totalMs: round(performance.now() - startedMs),
    },
  };
  const complete: Snapshot = { ...snapshot, anomalies: findAnomalies(snapshot, options.previous) };
  const access = new Map<string, NetnsAccess>();
  for (const n of discovery.netns) access.set(n.id, { openPath: n.openPath, pids: n.pids });
  return { snapshot: options.validate ? snapshotSchema.parse(complete) : complete, access, reads };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** setns(CLONE_NEWNET) refuses a namespace of another type with EINVAL. */
function isNotNetns(content: NetnsContent | undefined): boolean {
  return content?.failure?.stage === "setns" && content.failure.errno === ERRNO.EINVAL;
}
