import { decodeReading, type NetnsContent, type ReadingDecoder } from "../collect/decode-reading";
import type { NetnsReader, ScanJob, WatchState } from "../collect/netns-reader";
import type { IfaceRef, Snapshot } from "../contract/snapshot";
import { discover, type Discovery } from "../discover/discover";
import type { FdScanner } from "../discover/fd-scan";
import type { OwnMountTable } from "../discover/own-mount-table";
import type { ThreadScanner } from "../discover/thread-scan";

export interface ReadNamespacesOptions {
  /** Runs the fd pass (see FdScanner); undefined skips it. */
  fdScanner?: FdScanner;
  /** Bounds the thread walk (see ThreadScanner); undefined walks every thread on every snapshot. */
  threadScanner?: ThreadScanner;
  /** Keeps the own mount namespace's nsfs mounts while its table does not change (see OwnMountTable); undefined reads it every time. */
  ownMountTable?: OwnMountTable;
  /** The previous snapshot of this node: what it wired may be read as counters only (takeSnapshot also checks its counters for drops rising). */
  previous?: Snapshot;
  /** Remembers answers between snapshots to skip decoding unchanged ones; without it every answer is decoded. */
  decoder?: ReadingDecoder;
}

/** How a scan read its namespaces: in full, or only their counters (nothing changed since the last full reading). */
export interface ReadCounts {
  full: number;
  countersOnly: number;
  /** The namespaces read in full (usually few once the watch runs). */
  readInFull: string[];
  watch: WatchState;
}

/** The first half of a snapshot: what discovery found, and what each namespace holds. */
export interface NamespacesRead {
  discovery: Discovery;
  contents: NetnsContent[];
  reads: ReadCounts;
  readMs: number;
  /** When discovery began: the moment the snapshot shows. */
  takenAt: Date;
  /** The same on performance.now()'s clock, for the snapshot's total time. */
  startedMs: number;
}

/**
 * For each namespace of a snapshot, the interfaces in other namespaces its own lead to (veth peers,
 * parents); none for one with a veth whose other end was not found (nothing can vouch for it).
 */
export function linkedInterfaces(snapshot: Snapshot): Map<string, IfaceRef[] | undefined> {
  const linked = new Map<string, IfaceRef[] | undefined>();
  for (const n of snapshot.netns) {
    let refs: IfaceRef[] | undefined = [];
    for (const i of n.interfaces) {
      if (i.isPeerMissing === true) {
        refs = undefined;
        break;
      }
      for (const ref of [i.peer, i.parent]) if (ref !== undefined && ref.netnsId !== n.id) refs.push(ref);
    }
    linked.set(n.id, refs);
  }
  return linked;
}

/**
 * Discovers the namespaces (synchronously, before the first await) and reads every one through the reader
 * thread, decoding each batch on this thread as it arrives, so that decoding overlaps reading.
 */
export async function readNamespaces(reader: NetnsReader, options: ReadNamespacesOptions): Promise<NamespacesRead> {
  const takenAt = new Date();
  const startedMs = performance.now();
  const discovery = discover({ fdScanner: options.fdScanner, threadScanner: options.threadScanner, ownMountTable: options.ownMountTable });
  const readStarted = performance.now();
  const contents: NetnsContent[] = [];
  const decoder = options.decoder;
  // Counters only are possible for what the decoder holds and the previous snapshot wired.
  const linked = decoder === undefined || options.previous === undefined ? undefined : linkedInterfaces(options.previous);
  const jobs: ScanJob[] = [];
  for (const n of discovery.netns) {
    const linkedTo = linked?.get(n.id);
    const known = linkedTo === undefined ? undefined : decoder?.known(n.id);
    jobs.push(known === undefined ? { id: n.id, path: n.openPath } : { id: n.id, path: n.openPath, known, linkedTo });
  }
  let countersOnly = 0;
  const readInFull: string[] = [];
  const watch = await reader.read(jobs, (batch) => {
    for (const r of batch) {
      if (r.ok && r.kind === "counters") countersOnly++;
      else readInFull.push(r.id);
      contents.push(decoder?.decode(r) ?? decodeReading(r));
    }
  });
  decoder?.endPass();
  const reads = { full: readInFull.length, countersOnly, readInFull, watch };
  return { discovery, contents, reads, readMs: performance.now() - readStarted, takenAt, startedMs };
}
