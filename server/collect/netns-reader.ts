import path from "node:path";
import type { Worker } from "node:worker_threads";
import { z } from "zod";
import type { IfaceRef } from "../contract/snapshot";
import { packageRoot } from "../package-root";
import { describeFailure } from "./describe-failure";
import { RTNLGRP } from "./netlink-constants";
import { addrDumpRequest, linkDumpRequest, nsidByFdRequest, routeDumpRequest, statsDumpRequest } from "./netlink-requests";

/** One namespace to read: `path` is any file that refers to it (/proc/PID/ns/net, a bind mount). */
export interface ReadJob {
  id: string;
  path: string;
}

/** A namespace in a scan, with what lets the worker read only its counters when nothing changed. */
export interface ScanJob extends ReadJob {
  /** The full reading (its `reading` id) whose decoded records the caller still holds. */
  known?: string;
  /** The interfaces elsewhere its interfaces lead to (veth peers, macvlan parents), from the previous snapshot. */
  linkedTo?: IfaceRef[];
}

/** Whether a scan could skip namespaces that did not change, and if not, why. */
export interface WatchState {
  isOn: boolean;
  reason?: string;
}

/** However quiet a namespace is, it is read in full at least this often (a lost event cannot hide a change longer). */
export const FULL_READ_MAX_AGE_MS = 60_000;

const buffer = z.instanceof(ArrayBuffer).transform((b): Buffer => Buffer.from(b));
const failure = z.object({ id: z.string(), ok: z.literal(false), stage: z.string(), errno: z.number().int() });

/**
 * A full reading (links, addresses, routes; `reading` names it when the worker will vouch for it
 * later), only the counters of a namespace unchanged since reading `reading`, or a failure.
 */
export type ReadResult =
  | { id: string; ok: true; kind: "full"; answers: [Buffer, Buffer, Buffer]; hostIdHere: Buffer; reading?: string }
  | { id: string; ok: true; kind: "counters"; counters: Buffer; reading: string }
  | { id: string; ok: false; stage: string; errno: number };
export type FullReadResult = Extract<ReadResult, { kind: "full" }>;

/**
 * Checks one result from our own worker thread. A hand-written guard rather than zod: it runs
 * once per namespace per snapshot (zod cost ~9 µs each, ~10 ms at 1,000 namespaces), and the
 * bytes inside are validated by the netlink parser anyway.
 */
export function toReadResult(raw: unknown): ReadResult {
  if (typeof raw !== "object" || raw === null) throw new TypeError("reader worker sent a non-object result");
  const r: Record<string, unknown> = { ...raw };
  if (typeof r.id !== "string") throw new TypeError("reader worker result without an id");
  if (r.ok === false) {
    if (typeof r.stage !== "string" || typeof r.errno !== "number") throw new TypeError(`reader worker failure for ${r.id} is malformed`);
    return { id: r.id, ok: false, stage: r.stage, errno: r.errno };
  }
  if (r.ok !== true || (r.reading !== undefined && typeof r.reading !== "string")) throw new TypeError(`reader worker result for ${r.id} is malformed`);
  if (r.counters !== undefined) {
    if (!(r.counters instanceof ArrayBuffer) || typeof r.reading !== "string") throw new TypeError(`reader worker counters for ${r.id} are malformed`);
    return { id: r.id, ok: true, kind: "counters", counters: Buffer.from(r.counters), reading: r.reading };
  }
  const answers = r.answers;
  if (!Array.isArray(answers) || answers.length !== 3 || !(r.hostIdHere instanceof ArrayBuffer))
    throw new TypeError(`reader worker result for ${r.id} is malformed`);
  const [links, addrs, routes] = answers;
  if (!(links instanceof ArrayBuffer) || !(addrs instanceof ArrayBuffer) || !(routes instanceof ArrayBuffer))
    throw new TypeError(`reader worker answers for ${r.id} are not bytes`);
  const full: FullReadResult = {
    id: r.id,
    ok: true,
    kind: "full",
    answers: [Buffer.from(links), Buffer.from(addrs), Buffer.from(routes)],
    hostIdHere: Buffer.from(r.hostIdHere),
  };
  return typeof r.reading === "string" ? { ...full, reading: r.reading } : full;
}

const askResultSchema = z.object({
  id: z.string(),
  ok: z.boolean(),
  stage: z.string().optional(),
  errno: z.number().int().optional(),
  answers: z.array(z.object({ id: z.string(), answer: buffer })),
});
export type AskResult = z.infer<typeof askResultSchema>;

const diagResultSchema = z.discriminatedUnion("ok", [z.object({ id: z.string(), ok: z.literal(true), answers: z.array(buffer) }), failure]);
export type DiagResult = z.infer<typeof diagResultSchema>;

const replySchema = z.object({
  requestId: z.number().int(),
  results: z.array(z.unknown()),
  done: z.boolean(),
  /** On a read's last batch: why the change watch is off (undefined: it is on). */
  watchUnavailable: z.object({ stage: z.string(), errno: z.number().int() }).optional(),
});
type Reply = z.infer<typeof replySchema>;

/** One query for veths between two non-host namespaces: "what is your id for each candidate?" */
export interface AskIdsQuery {
  id: string;
  path: string;
  candidates: ReadJob[];
}

interface Pending {
  onResults: (results: unknown[], reply: Reply) => void;
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
  private readonly dumps = [linkDumpRequest(), addrDumpRequest(), routeDumpRequest()];
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
   * with `known` may come back as counters only (see the worker's change watch).
   */
  async read(jobs: ScanJob[], onBatch: (results: ReadResult[]) => void): Promise<WatchState> {
    let watch: WatchState = { isOn: this.watchChanges };
    if (jobs.length === 0) return watch;
    await this.request(
      {
        type: "read",
        jobs,
        dumps: this.dumps.map((d) => toArrayBuffer(d)),
        stats: toArrayBuffer(this.stats),
        watch: { isOn: this.watchChanges, groups: Object.values(RTNLGRP), maxUnreadMs: this.fullReadMaxAgeMs },
      },
      (raw, reply) => {
        onBatch(raw.map(toReadResult));
        if (reply.done) watch = watchState(this.watchChanges, reply.watchUnavailable);
      },
    );
    return watch;
  }

  async askIds(queries: AskIdsQuery[]): Promise<AskResult[]> {
    const out: AskResult[] = [];
    if (queries.length === 0) return out;
    await this.request({ type: "ask-ids", queries }, (raw) => out.push(...raw.map((r) => askResultSchema.parse(r))));
    return out;
  }

  /** Sends the same sock_diag requests inside each namespace and returns the raw answers, in job order. */
  async diag(jobs: ReadJob[], requests: Buffer[]): Promise<DiagResult[]> {
    const out: DiagResult[] = [];
    if (jobs.length === 0) return out;
    await this.request({ type: "diag", jobs, requests: requests.map((r) => toArrayBuffer(r)) }, (raw) => {
      for (const r of raw) out.push(diagResultSchema.parse(r));
    });
    if (out.length !== jobs.length) throw new Error(`netns reader answered ${out.length} of ${jobs.length} sock_diag jobs`);
    return out;
  }

  /** Whether the reader thread is up (it starts with the first request and again after it died). */
  get isRunning(): boolean {
    return this.worker !== undefined;
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private request(message: Record<string, unknown>, onResults: (results: unknown[], reply: Reply) => void): Promise<void> {
    const worker = this.ensureWorker();
    const requestId = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failAll(new Error(`netns reader gave no answer within ${this.deadlineMs} ms; restarting it`));
        this.close();
      }, this.deadlineMs);
      this.pending.set(requestId, { onResults, resolve, reject, timer });
      worker.postMessage({ ...message, requestId, nsidByFd: { request: toArrayBuffer(this.nsidByFd.request), fdOffset: this.nsidByFd.fdOffset } });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    // Taken at run time rather than imported: bundlers rewrite `new Worker(...)` into a bundled
    // worker chunk, which cannot load koffi's native addon. This keeps the worker a plain file.
    const { Worker: WorkerThread } = process.getBuiltinModule("node:worker_threads");
    const worker = new WorkerThread(workerScript());
    worker.unref();
    worker.on("message", (raw: unknown) => {
      const reply = replySchema.parse(raw);
      const pending = this.pending.get(reply.requestId);
      if (pending === undefined) return;
      try {
        pending.onResults(reply.results, reply);
      } catch (err) {
        this.settle(reply.requestId, err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (reply.done) this.settle(reply.requestId);
    });
    worker.on("error", (err) => {
      this.failAll(new Error(`netns reader crashed: ${err.message}`));
      if (this.worker === worker) this.worker = undefined;
    });
    worker.on("exit", (code) => {
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

function watchState(isWanted: boolean, unavailable: Reply["watchUnavailable"]): WatchState {
  if (!isWanted) return { isOn: false, reason: "turned off (NSATLAS_WATCH_CHANGES=false)" };
  if (unavailable === undefined) return { isOn: true };
  const why =
    unavailable.stage === "NETLINK_LISTEN_ALL_NSID" && unavailable.errno === 1
      ? "listening to every namespace needs CAP_NET_BROADCAST"
      : describeFailure(unavailable.stage, unavailable.errno);
  return { isOn: false, reason: why };
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(buf.length);
  buf.copy(Buffer.from(out));
  return out;
}
