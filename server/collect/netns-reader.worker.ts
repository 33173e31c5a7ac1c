/**
 * The reader thread: the only code that calls setns(2). It runs in its own worker thread, because
 * setns(CLONE_NEWNET) moves just the calling thread: never the JS main thread or a libuv pool thread.
 * Bundled on its own (scripts/build-server.mjs) to dist/netns-reader.worker.mjs.
 *
 * It only makes the kernel calls and posts what they return. The main thread builds every request
 * and parses every answer; the change watch's decisions are change-watch-rules.ts; the messages
 * both ways are reader-protocol.ts.
 *
 * Per namespace: open its file, setns into it, open a netlink socket (which stays bound to that
 * namespace), setns back at once, send each request and collect the raw answer, then ask that socket
 * for its id of the host namespace. Raw bytes go back to the main thread as transferred ArrayBuffers.
 * A namespace the change watch vouches for has only its counters read.
 */
import { randomUUID } from "node:crypto";
import { parentPort } from "node:worker_threads";
import { ChangeWatchSocket } from "./change-watch-socket";
import { ReadingMemory, type WatchView } from "./change-watch-rules";
import { ERRNO } from "./describe-failure";
import { AF, CLONE_NEWNET, NETLINK, O, SO, SOCK, SOCKADDR_NL_LEN, SOL } from "./netlink-constants";
import { clearSeqAndPort, endsAnswer, MalformedNetlinkError, NetlinkError } from "./netlink-parser";
import { isDumpRequest, setSequence, withFd } from "./netlink-requests";
import { lastErrno, libc } from "./reader-libc";
import type {
  AskIdsQuery,
  AskResult,
  DiagResult,
  NsidByFd,
  PostedResult,
  ReaderRequest,
  ReadJob,
  ReadRequest,
  ReadResult,
  ReplyBatch,
  ScanJob,
} from "./reader-protocol";
import { decodeNsidAnswer } from "./rtnl-decode";

/** Results per posted message: the main thread parses one batch while the next is read. */
const BATCH = 32;
/** How much one recv(2) may bring: the accumulator keeps this much room free. */
const RECV_CHUNK = 1 << 17;
/** The exit code when this thread cannot return to its own namespace. */
const EXIT_STRANDED = 70;

/** struct sockaddr_nl for the kernel: family AF_NETLINK, pid 0, groups 0. */
const KERNEL = Buffer.alloc(SOCKADDR_NL_LEN);
KERNEL.writeUInt16LE(AF.NETLINK, 0);
let seq = 1;
/** Answers accumulate here (grown on demand), then leave as one exact-size copy. */
let acc = Buffer.alloc(1 << 18);

const home = libc.open("/proc/thread-self/ns/net", O.RDONLY | O.CLOEXEC);
if (home < 0) throw new Error(`cannot open this thread's netns: errno ${lastErrno()}`);
/** A socket in the host namespace for questions about other namespaces ("your id for this one?"). */
const homeSocket = libc.socket(AF.NETLINK, SOCK.RAW | SOCK.CLOEXEC, NETLINK.ROUTE);
if (homeSocket < 0) throw new Error(`cannot open a netlink socket: errno ${lastErrno()}`);
const homeCookie = netnsCookie(homeSocket);

/** Full readings are named; the instance part keeps a restarted worker's names from meeting old ones. */
const memory = new ReadingMemory(randomUUID().slice(0, 8));
let watch: ChangeWatchSocket | undefined;

class SyscallError extends Error {
  constructor(
    readonly stage: string,
    readonly errno: number,
  ) {
    super(`${stage}: errno ${errno}`);
  }
}

const failed = (id: string, stage: string, errno: number) => ({ id, ok: false as const, stage, errno });

/**
 * The namespace's cookie (SO_NETNS_COOKIE, Linux 5.14+): unlike its inode, never given to another
 * namespace while the machine runs. undefined when the kernel cannot tell.
 */
function netnsCookie(fd: number): bigint | undefined {
  const value = Buffer.alloc(8);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(8);
  return libc.getsockopt(fd, SOL.SOCKET, SO.NETNS_COOKIE, value, len) === 0 ? value.readBigUInt64LE() : undefined;
}

/**
 * Sends one request and returns every byte of its answer, up to and including the message that ends
 * it (see endsAnswer). The socket is ours alone, so everything it receives belongs to this request.
 */
function exchange(fd: number, request: Buffer): ArrayBuffer {
  const mySeq = seq++;
  setSequence(request, mySeq);
  const isDump = isDumpRequest(request);
  if (Number(libc.sendto(fd, request, request.length, 0, KERNEL, KERNEL.length)) < 0) throw new SyscallError("sendto", lastErrno());
  let total = 0;
  for (;;) {
    if (acc.length - total < RECV_CHUNK) {
      const bigger = Buffer.alloc(acc.length * 2);
      acc.copy(bigger, 0, 0, total);
      acc = bigger;
    }
    const n = Number(libc.recv(fd, total === 0 ? acc : acc.subarray(total), RECV_CHUNK, 0));
    if (n < 0) {
      const errno = lastErrno();
      if (errno === ERRNO.EINTR) continue;
      throw new SyscallError("recv", errno);
    }
    const end = total + n;
    const isEnd = n === 0 || endsAnswer(acc, total, end, isDump, mySeq);
    total = end;
    if (isEnd) break;
  }
  // One builtin call that allocates and copies, rather than Buffer#copy (argument checks in JS, on every answer).
  const out = acc.buffer.slice(acc.byteOffset, acc.byteOffset + total);
  clearSeqAndPort(Buffer.from(out));
  return out;
}

/** Opens a netlink socket inside the namespace behind nsFd; always returns this thread home. */
function socketIn(nsFd: number, protocol: number = NETLINK.ROUTE): number {
  if (libc.setns(nsFd, CLONE_NEWNET) !== 0) throw new SyscallError("setns", lastErrno());
  const s = libc.socket(AF.NETLINK, SOCK.RAW | SOCK.CLOEXEC, protocol);
  const socketErrno = lastErrno();
  // A thread stuck in a foreign namespace would read the wrong node from now on: die instead.
  if (libc.setns(home, CLONE_NEWNET) !== 0) process.exit(EXIT_STRANDED);
  if (s < 0) throw new SyscallError("socket", socketErrno);
  return s;
}

/** A ReadRequest's bytes, as Buffers the worker stamps with each sequence number in place (one request at a time). */
interface ReadRequests {
  dumps: [links: Buffer, addresses: Buffer, routes: Buffer];
  stats: Buffer;
  nsidByFd: NsidByFd<Buffer>;
  /** "Your id for the host?", the same question for every namespace (asked on its own socket). */
  hostIdHere: Buffer;
  maxUnreadMs: number;
}

function readOne(job: ScanJob, requests: ReadRequests, view: WatchView | undefined, now: number): ReadResult<ArrayBuffer> {
  const nsFd = libc.open(job.path, O.RDONLY | O.CLOEXEC);
  if (nsFd < 0) return failed(job.id, "open", lastErrno());
  let s = -1;
  try {
    try {
      s = socketIn(nsFd);
      // Without the watch nothing is vouched for, and the cookie would be a wasted syscall per namespace.
      const cookie = view === undefined ? undefined : netnsCookie(s);
      const vouched = memory.vouchFor(job, cookie, view, now);
      if (vouched !== undefined) return { id: job.id, ok: true, kind: "counters", reading: vouched, counters: exchange(s, requests.stats) };
      if (view === undefined || cookie === undefined) return { id: job.id, ok: true, kind: "full", ...fullReading(s, requests) };
      const isHome = cookie === homeCookie;
      // Asked before the dumps: an id assigned later is met by a full reading then.
      const hostNsid = isHome ? -1 : hostIdOf(nsFd, requests.nsidByFd);
      const reading = memory.remember(job.id, { cookie, hostNsid, isHome, epoch: view.epoch }, now, requests.maxUnreadMs);
      return { id: job.id, ok: true, kind: "full", reading, ...fullReading(s, requests) };
    } finally {
      libc.close(nsFd); // the socket keeps its namespace; the file is no longer needed
    }
  } catch (err) {
    memory.forget(job.id);
    if (err instanceof SyscallError) return failed(job.id, err.stage, err.errno);
    throw err;
  } finally {
    if (s >= 0) libc.close(s);
  }
}

function fullReading(s: number, requests: ReadRequests): { answers: [ArrayBuffer, ArrayBuffer, ArrayBuffer]; hostIdHere: ArrayBuffer } {
  const [links, addresses, routes] = requests.dumps;
  const answers: [ArrayBuffer, ArrayBuffer, ArrayBuffer] = [exchange(s, links), exchange(s, addresses), exchange(s, routes)];
  return { answers, hostIdHere: exchange(s, requests.hostIdHere) };
}

/** The host's id for the namespace behind nsFd (-1: none), asked on the host's socket: the watch needs it before any dump. */
function hostIdOf(nsFd: number, nsidByFd: NsidByFd<Buffer>): number {
  const answer = Buffer.from(exchange(homeSocket, withFd(nsidByFd, nsFd)));
  try {
    return decodeNsidAnswer(answer, "host id");
  } catch (err) {
    if (err instanceof NetlinkError || err instanceof MalformedNetlinkError) return -1;
    throw err;
  }
}

/** Asks namespace `query.path` for its ids of each candidate namespace (for veths between two non-host namespaces). */
function askIds(query: AskIdsQuery, nsidByFd: NsidByFd<Buffer>): AskResult<ArrayBuffer> {
  const nsFd = libc.open(query.path, O.RDONLY | O.CLOEXEC);
  if (nsFd < 0) return { ...failed(query.id, "open", lastErrno()), answers: [] };
  let s = -1;
  try {
    s = socketIn(nsFd);
    const answers: Array<{ id: string; answer: ArrayBuffer }> = [];
    for (const candidate of query.candidates) {
      const candFd = libc.open(candidate.path, O.RDONLY | O.CLOEXEC);
      if (candFd < 0) continue;
      try {
        answers.push({ id: candidate.id, answer: exchange(s, withFd(nsidByFd, candFd)) });
      } finally {
        libc.close(candFd);
      }
    }
    return { id: query.id, ok: true, answers };
  } catch (err) {
    if (err instanceof SyscallError) return { ...failed(query.id, err.stage, err.errno), answers: [] };
    throw err;
  } finally {
    if (s >= 0) libc.close(s);
    libc.close(nsFd);
  }
}

/** Sends netlink requests on one socket of `protocol` inside one namespace: sock_diag (listeners) or rtnetlink (a path trace's questions). */
function exchangeIn(job: ReadJob, protocol: number, requests: Buffer[]): DiagResult<ArrayBuffer> {
  const nsFd = libc.open(job.path, O.RDONLY | O.CLOEXEC);
  if (nsFd < 0) return failed(job.id, "open", lastErrno());
  let s = -1;
  try {
    s = socketIn(nsFd, protocol);
    return { id: job.id, ok: true, answers: requests.map((request) => exchange(s, Buffer.from(request))) };
  } catch (err) {
    if (err instanceof SyscallError) return failed(job.id, err.stage, err.errno);
    throw err;
  } finally {
    if (s >= 0) libc.close(s);
    libc.close(nsFd);
  }
}

/** The answers a result carries, to transfer rather than copy. */
function bytesOf(result: ReadResult<ArrayBuffer> | DiagResult<ArrayBuffer>): ArrayBuffer[] {
  if (!result.ok) return [];
  if (!("kind" in result)) return result.answers;
  return result.kind === "full" ? [...result.answers, result.hostIdHere] : [result.counters];
}

function post<R extends PostedResult>(batch: ReplyBatch<R>, transfer: ArrayBuffer[]): void {
  parentPort?.postMessage(batch, transfer);
}

/** Runs `work` for each job and posts the results in batches of BATCH as they come. */
function answerInBatches<J, R extends ReadResult<ArrayBuffer> | DiagResult<ArrayBuffer>>(
  requestId: number,
  jobs: J[],
  work: (job: J) => R,
  last: Pick<ReplyBatch<R>, "watchUnavailable"> = {},
): void {
  let results: R[] = [];
  let transfer: ArrayBuffer[] = [];
  for (const job of jobs) {
    const result = work(job);
    results.push(result);
    transfer.push(...bytesOf(result));
    if (results.length === BATCH) {
      post({ requestId, results, done: false }, transfer);
      results = [];
      transfer = [];
    }
  }
  post({ requestId, results, done: true, ...last }, transfer);
}

function read(message: ReadRequest, nsidByFd: NsidByFd<Buffer>): void {
  const [links, addresses, routes] = message.dumps;
  const requests: ReadRequests = {
    dumps: [Buffer.from(links), Buffer.from(addresses), Buffer.from(routes)],
    stats: Buffer.from(message.stats),
    nsidByFd,
    hostIdHere: withFd(nsidByFd, home),
    maxUnreadMs: message.watch.maxUnreadMs,
  };
  if (message.watch.isOn) {
    watch ??= new ChangeWatchSocket(message.watch.groups);
    watch.ensureOpen();
    watch.drain();
  } else if (watch !== undefined) {
    watch.close();
    watch = undefined;
  }
  memory.startPass();
  const view = watch?.view;
  const now = Date.now();
  answerInBatches(message.requestId, message.jobs, (job) => readOne(job, requests, view, now), { watchUnavailable: watch?.unavailable });
}

parentPort?.on("message", (message: ReaderRequest) => {
  const nsidByFd = { request: Buffer.from(message.nsidByFd.request), fdOffset: message.nsidByFd.fdOffset };
  if (message.type === "read") {
    read(message, nsidByFd);
  } else if (message.type === "diag") {
    // Every namespace in one message: one round trip per namespace cost more than its dumps.
    const requests = message.requests.map((d) => Buffer.from(d));
    answerInBatches(message.requestId, message.jobs, (job) => exchangeIn(job, NETLINK.SOCK_DIAG, requests));
  } else if (message.type === "route-get") {
    const requests = message.requests.map((r) => Buffer.from(r));
    answerInBatches(message.requestId, [message.job], (job) => exchangeIn(job, NETLINK.ROUTE, requests));
  } else {
    const results = message.queries.map((q) => askIds(q, nsidByFd));
    post(
      { requestId: message.requestId, results, done: true },
      results.flatMap((r) => r.answers.map((a) => a.answer)),
    );
  }
});
