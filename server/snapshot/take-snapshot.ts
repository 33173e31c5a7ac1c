import { randomBytes } from "node:crypto";
import { findAnomalies } from "../anomalies/find-anomalies";
import { decodeNsid } from "../collect/rtnl-decode";
import { decodeReading, type NetnsContent, type ReadingDecoder } from "../collect/decode-reading";
import { splitMessages } from "../collect/netlink-parser";
import type { NetnsReader } from "../collect/netns-reader";
import { snapshotSchema, type Snapshot } from "../contract/snapshot";
import { discover, type Discovery } from "../discover/discover";
import type { FdScanner } from "../discover/fd-scan";
import { nodeInfo } from "../node-info";
import { applyAnswers, translateNsids, wireInterfaces } from "../wire/pair-veths";
import { assignOwners } from "../runtimes/assign-owners";
import { placeWorkloads } from "../runtimes/collect-workloads";
import type { EngineWatch } from "../runtimes/engine-watch";
import { describeProcess } from "../runtimes/process-owner";
import { netnsToContract } from "./to-contract";

export interface SnapshotOptions {
  /** The engines to ask for owners; none still yields ip-netns and process owners. */
  engines?: EngineWatch;
  /** Runs the fd pass (see FdScanner); undefined skips it. */
  fdScanner?: FdScanner;
  /** The previous snapshot of this node, for the "drops or errors rising" flag. */
  previous?: Snapshot;
  /** Remembers answers between snapshots to skip decoding unchanged ones; without it every answer is decoded. */
  decoder?: ReadingDecoder;
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
}

/** One complete pass: discover → read every namespace → resolve nsids → wire → contract. */
export async function takeSnapshot(reader: NetnsReader, options: SnapshotOptions): Promise<SnapshotReading> {
  const takenAt = new Date();
  const started = performance.now();
  // Engines answer over sockets while the worker reads namespaces: the two overlap.
  options.engines?.refresh();
  const discovery: Discovery = discover({ fdScanner: options.fdScanner });

  const readStarted = performance.now();
  const contents: NetnsContent[] = [];
  const openPath = new Map(discovery.netns.map((n) => [n.id, n.openPath]));
  await reader.read(
    discovery.netns.map((n) => ({ id: n.id, path: n.openPath })),
    (batch) => {
      for (const r of batch) contents.push(options.decoder?.decode(r) ?? decodeReading(r));
    },
  );
  options.decoder?.endPass();
  const readMs = performance.now() - readStarted;

  const wireStarted = performance.now();
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
      const byCandidate = new Map<string, number>();
      for (const { id, answer } of a.answers) {
        const [msg] = splitMessages(answer, `netns ${a.id} nsid of ${id}`);
        if (msg !== undefined) byCandidate.set(id, decodeNsid(msg, `netns ${a.id} nsid of ${id}`));
      }
      answers.set(a.id, byCandidate);
    }
    applyAnswers(known, answers);
  }
  const wiring = wireInterfaces(contents, known);
  const byId = new Map(contents.map((c) => [c.id, c]));
  const found = discovery.netns.filter((n) => !(n.isTypeUnverified && isNotNetns(byId.get(n.id))));
  const wireMs = performance.now() - wireStarted;

  const ownersStarted = performance.now();
  const netnsKey = found.map((n) => n.id).join(",");
  const { workloads, runtimes } = options.engines === undefined ? { workloads: [], runtimes: [] } : await options.engines.stateFor(netnsKey);
  const owners = assignOwners(found, placeWorkloads(workloads), (pid) => describeProcess(pid));
  const netns = found.map((n) => netnsToContract(n, byId.get(n.id), wiring.get(n.id), owners.get(n.id) ?? []));
  const ownersMs = performance.now() - ownersStarted;

  const snapshot: Omit<Snapshot, "anomalies"> = {
    id: `${takenAt.getTime()}-${randomBytes(4).toString("hex")}`,
    takenAt: takenAt.toISOString(),
    node: nodeInfo(),
    netns,
    staleFiles: discovery.staleFiles,
    runtimes,
    timings: {
      discoverMs: round(discovery.discoverMs),
      fdScanMs: round(discovery.fdScanMs),
      readMs: round(readMs),
      wireMs: round(wireMs),
      ownersMs: round(ownersMs),
      totalMs: round(performance.now() - started),
    },
  };
  const complete: Snapshot = { ...snapshot, anomalies: findAnomalies(snapshot, options.previous) };
  const access = new Map(discovery.netns.map((n) => [n.id, { openPath: n.openPath, pids: n.pids }]));
  return { snapshot: options.validate ? snapshotSchema.parse(complete) : complete, access };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

const EINVAL = 22;

/** setns(CLONE_NEWNET) refuses a namespace of another type with EINVAL. */
function isNotNetns(content: NetnsContent | undefined): boolean {
  return content?.failure?.stage === "setns" && content.failure.errno === EINVAL;
}
