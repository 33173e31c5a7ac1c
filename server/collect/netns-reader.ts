import path from "node:path";
import type { Worker } from "node:worker_threads";
import { errorFields, logger } from "../log/logger";
import { packageRoot } from "../package-root";
import { describeFailure, ERRNO } from "./describe-failure";
import { RTNLGRP } from "./netlink-constants";
import { addrDumpRequest, linkDumpRequest, nsidByFdRequest, routeDumpRequest, statsDumpRequest } from "./netlink-requests";
import { toAskResult, toDiagResult, toReadResult, toReplyBatch } from "./reader-replies";
import type {
  AskIdsQuery,
  AskIdsRequest,
  AskResult,
  DiagRequest,
  DiagResult,
  ReaderRequest,
  ReadJob,
  ReadRequest,
  ReadResult,
  ReplyBatch,
  RouteGetRequest,
  ScanJob,
  WatchUnavailable,
} from "./reader-protocol";

export type { AskIdsQuery, AskResult, DiagResult, FullReadResult, ReadJob, ReadResult, ScanJob } from "./reader-protocol";

/** Whether a scan could skip namespaces that did not change, and if not, why. */
export interface WatchState {
  isOn: boolean;
  reason?: string;
}

/** However quiet a namespace is, it is read in full at least this often (a lost event cannot hide a change longer). */
const FULL_READ_MAX_AGE_MS = 60_000;

/** What every request carries: its id, and the RTM_GETNSID template. */
type RequestBase = Pick<ReaderRequest, "requestId" | "nsidByFd">;

interface Pending {
  onResults: (results: unknown[], reply: ReplyBatch<unknown>) => void;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** The bundled worker (scripts/build-server.mjs), found from the package root whichever face runs. */
function workerScript(): string {
  return path.join(packageRoot(), "dist/netns-reader.worker.mjs");
}

/**
 * The main-thread side of the reader worker: one long-lived thread, restarted when it dies. A
 * request that outlives its deadline kills the worker and fails, so no caller ever hangs on it.
 */
export class NetnsReader {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly dumps = [linkDumpRequest(), addrDumpRequest(), routeDumpRequest()] as const;
  private readonly stats = statsDumpRequest();
  private readonly nsidByFd = nsidByFdRequest();
  private readonly watchChanges: boolean;
  private readonly fullReadMaxAgeMs: number;

  /**
   * `watchChanges: false` reads every namespace in full on every scan (as without CAP_NET_BROADCAST);
   * `fullReadMaxAgeMs` bounds how long a quiet namespace goes without a full reading.
   */
  constructor(
    private readonly deadlineMs = 30_000,
    options: { watchChanges?: boolean; fullReadMaxAgeMs?: number } = {},
  ) {
    this.watchChanges = options.watchChanges ?? true;
    this.fullReadMaxAgeMs = options.fullReadMaxAgeMs ?? FULL_READ_MAX_AGE_MS;
  }

  /**
   * Reads every namespace; `onBatch` sees results as they arrive so parsing overlaps reading. A job
   * with `known` may come back as counters only (see change-watch-rules.ts).
   */
  async read(jobs: ScanJob[], onBatch: (results: ReadResult[]) => void): Promise<WatchState> {
    let watch: WatchState = { isOn: this.watchChanges };
    if (jobs.length === 0) return watch;
    const [links, addresses, routes] = this.dumps;
    const message = (base: RequestBase): ReadRequest => ({
      ...base,
      type: "read",
      jobs,
      dumps: [toArrayBuffer(links), toArrayBuffer(addresses), toArrayBuffer(routes)],
      stats: toArrayBuffer(this.stats),
      watch: { isOn: this.watchChanges, groups: Object.values(RTNLGRP), maxUnreadMs: this.fullReadMaxAgeMs },
    });
    await this.request(message, (raw, reply) => {
      onBatch(raw.map(toReadResult));
      if (reply.done) watch = watchState(this.watchChanges, reply.watchUnavailable);
    });
    return watch;
  }

  async askIds(queries: AskIdsQuery[]): Promise<AskResult[]> {
    const out: AskResult[] = [];
    if (queries.length === 0) return out;
    const message = (base: RequestBase): AskIdsRequest => ({ ...base, type: "ask-ids", queries });
    await this.request(message, (raw) => out.push(...raw.map(toAskResult)));
    return out;
  }

  /** Sends the same sock_diag requests inside each namespace and returns the raw answers, in job order. */
  async diag(jobs: ReadJob[], requests: Buffer[]): Promise<DiagResult[]> {
    const out: DiagResult[] = [];
    if (jobs.length === 0) return out;
    const message = (base: RequestBase): DiagRequest => ({ ...base, type: "diag", jobs, requests: requests.map((r) => toArrayBuffer(r)) });
    await this.request(message, (raw) => {
      for (const r of raw) out.push(toDiagResult(r));
    });
    if (out.length !== jobs.length) throw new Error(`netns reader answered ${out.length} of ${jobs.length} sock_diag jobs`);
    return out;
  }

  /**
   * Sends rtnetlink requests (a path trace's route, neighbour, netconf, FDB and link questions) one
   * after another inside one namespace, and returns the raw answers in their order.
   */
  async routeGet(job: ReadJob, requests: Buffer[]): Promise<DiagResult> {
    const out: DiagResult[] = [];
    const message = (base: RequestBase): RouteGetRequest => ({ ...base, type: "route-get", job, requests: requests.map((r) => toArrayBuffer(r)) });
    await this.request(message, (raw) => {
      for (const r of raw) out.push(toDiagResult(r));
    });
    const [result] = out;
    if (result === undefined || out.length !== 1) throw new Error(`netns reader answered ${out.length} results to one route-get job`);
    return result;
  }

  /**
   * Starts the reader thread now rather than with the first request: a one-shot command starts it while it
   * discovers the namespaces, so the thread's start-up (loading its bundle and koffi) is not on the scan's path.
   */
  start(): void {
    this.ensureWorker();
  }

  /** Whether the reader thread is up (it starts with the first request and again after it died). */
  get isRunning(): boolean {
    return this.worker !== undefined;
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private request(message: (base: RequestBase) => ReaderRequest, onResults: (results: unknown[], reply: ReplyBatch<unknown>) => void): Promise<void> {
    const worker = this.ensureWorker();
    const requestId = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        logger().warn({ deadlineMs: this.deadlineMs, pending: this.pending.size }, "netns reader gave no answer in time; restarting it");
        this.failAll(new Error(`netns reader gave no answer within ${this.deadlineMs} ms; restarting it`));
        this.close();
      }, this.deadlineMs);
      this.pending.set(requestId, { onResults, resolve, reject, timer });
      worker.postMessage(message({ requestId, nsidByFd: { request: toArrayBuffer(this.nsidByFd.request), fdOffset: this.nsidByFd.fdOffset } }));
    });
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    // Taken at run time rather than imported: bundlers rewrite `new Worker(...)` into a bundled
    // worker chunk, which cannot load koffi's native addon. This keeps the worker its own bundle.
    const { Worker: WorkerThread } = process.getBuiltinModule("node:worker_threads");
    const worker = new WorkerThread(workerScript());
    worker.unref();
    worker.on("message", (raw: unknown) => {
      const reply = toReplyBatch(raw);
      const pending = this.pending.get(reply.requestId);
      if (pending === undefined) return;
      try {
        pending.onResults(reply.results, reply);
      } catch (err) {
        // Not swallowed: the request's caller receives it (its scan fails and says why).
        this.settle(reply.requestId, err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (reply.done) this.settle(reply.requestId);
    });
    worker.on("error", (err) => {
      logger().error({ err: errorFields(err), pending: this.pending.size }, "netns reader crashed; it restarts with the next request");
      this.failAll(new Error(`netns reader crashed: ${err.message}`));
      if (this.worker === worker) this.worker = undefined;
    });
    worker.on("exit", (code) => {
      // close() and a crash (logged above) forget the worker first: only an exit nobody asked for is news (a stranded thread exits 70).
      if (this.worker === worker) logger().error({ code, pending: this.pending.size }, "netns reader exited; it restarts with the next request");
      this.failAll(new Error(`netns reader exited with code ${code}`));
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }

  private settle(requestId: number, err?: Error): void {
    const pending = this.pending.get(requestId);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.pending.delete(requestId);
    if (err) pending.reject(err);
    else pending.resolve();
  }

  private failAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, err);
  }
}

function watchState(isWanted: boolean, unavailable: WatchUnavailable | undefined): WatchState {
  if (!isWanted) return { isOn: false, reason: "turned off (NSATLAS_WATCH_CHANGES=false)" };
  if (unavailable === undefined) return { isOn: true };
  const why =
    unavailable.stage === "NETLINK_LISTEN_ALL_NSID" && unavailable.errno === ERRNO.EPERM
      ? "listening to every namespace needs CAP_NET_BROADCAST"
      : describeFailure(unavailable.stage, unavailable.errno);
  return { isOn: false, reason: why };
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(buf.length);
  buf.copy(Buffer.from(out));
  return out;
}
