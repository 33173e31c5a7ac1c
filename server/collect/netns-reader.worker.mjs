// @ts-check
/**
 * The only code that calls setns(2). It runs in its own worker thread, because setns(CLONE_NEWNET)
 * moves just the calling thread: never the JS main thread or a libuv pool thread.
 *
 * It is plain JavaScript so the same file loads under `next start`, tsx and vitest without a
 * TypeScript loader. It knows only what it must: syscalls, and where a netlink answer ends. The
 * main thread builds every request and parses every answer (server/collect/*.ts).
 *
 * Per namespace: open its file, setns into it, open a NETLINK_ROUTE socket (which stays bound to
 * that namespace), setns back at once, send each request and collect the raw answer, then ask that
 * socket for its id of the host namespace. Raw bytes go back to the main thread as transferred
 * ArrayBuffers.
 */
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";

const require = createRequire(import.meta.url);
/** @type {import("koffi")} */
const koffi = require("koffi");

const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;
const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_ROUTE = 0;
const NETLINK_SOCK_DIAG = 4;
const CLONE_NEWNET = 0x40000000;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_DUMP = 0x300;

const libc = koffi.load("libc.so.6");
const open = libc.func("int open(const char *path, int flags)");
const close = libc.func("int close(int fd)");
const setns = libc.func("int setns(int fd, int nstype)");
const socket = libc.func("int socket(int domain, int type, int protocol)");
const sendto = libc.func("intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)");
const recv = libc.func("intptr_t recv(int fd, void *buf, size_t len, int flags)");

/** struct sockaddr_nl for the kernel: family AF_NETLINK, pid 0, groups 0. */
const KERNEL = Buffer.alloc(12);
KERNEL.writeUInt16LE(AF_NETLINK, 0);
const RECV_BUF = Buffer.alloc(1 << 17);
let seq = 1;

const home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
if (home < 0) throw new Error(`cannot open this thread's netns: errno ${koffi.errno()}`);

class SyscallError extends Error {
  /** @param {string} stage @param {number} errno */
  constructor(stage, errno) {
    super(`${stage}: errno ${errno}`);
    this.stage = stage;
    this.errno = errno;
  }
}

/** Answers accumulate here (grown on demand), then leave as one exact-size copy. */
let acc = Buffer.alloc(1 << 18);

/**
 * Sends one request and returns every byte of its answer, up to and including the message that ends
 * it (NLMSG_DONE for a dump; the first answer or NLMSG_ERROR otherwise). The socket is ours alone,
 * so everything it receives belongs to this request.
 * @param {number} fd @param {Buffer} request @returns {ArrayBuffer}
 */
function exchange(fd, request) {
  const mySeq = seq++;
  request.writeUInt32LE(mySeq, 8);
  const isDump = (request.readUInt16LE(6) & NLM_F_DUMP) === NLM_F_DUMP;
  if (sendto(fd, request, request.length, 0, KERNEL, KERNEL.length) < 0) throw new SyscallError("sendto", koffi.errno());
  let total = 0;
  for (;;) {
    if (acc.length - total < RECV_BUF.length) {
      const bigger = Buffer.alloc(acc.length * 2);
      acc.copy(bigger, 0, 0, total);
      acc = bigger;
    }
    const n = Number(recv(fd, acc.subarray(total), RECV_BUF.length, 0));
    if (n < 0) {
      const errno = koffi.errno();
      if (errno === 4) continue; // EINTR
      throw new SyscallError("recv", errno);
    }
    let off = total;
    const end = total + n;
    let ended = n === 0;
    while (!ended && off + 16 <= end) {
      const len = acc.readUInt32LE(off);
      const type = acc.readUInt16LE(off + 4);
      // A garbled length ends the answer too: the main-thread parser reports it.
      if (len < 16 || type === NLMSG_DONE || type === NLMSG_ERROR || (!isDump && acc.readUInt32LE(off + 8) === mySeq)) ended = true;
      off += len < 16 ? end - off : (len + 3) & ~3;
    }
    total = end;
    if (ended) break;
  }
  const out = new ArrayBuffer(total);
  const copy = Buffer.from(out);
  acc.copy(copy, 0, 0, total);
  clearSeqAndPort(copy);
  return out;
}

/**
 * Zeroes each message's sequence number and port id (nobody reads them past this point), so that
 * the same kernel state gives the same bytes and the main thread can skip decoding an answer equal
 * to the previous one. @param {Buffer} answer
 */
function clearSeqAndPort(answer) {
  for (let off = 0; off + 16 <= answer.length; ) {
    const len = answer.readUInt32LE(off);
    answer.fill(0, off + 8, off + 16);
    if (len < 16) break;
    off += (len + 3) & ~3;
  }
}

/** @param {Buffer} template @param {number} offset @param {number} fd */
function withFd(template, offset, fd) {
  const request = Buffer.from(template);
  request.writeInt32LE(fd, offset);
  return request;
}

/**
 * Opens a netlink socket inside the namespace behind nsFd; always returns this thread home.
 * @param {number} nsFd
 * @param {number} [protocol]
 */
function socketIn(nsFd, protocol = NETLINK_ROUTE) {
  if (setns(nsFd, CLONE_NEWNET) !== 0) throw new SyscallError("setns", koffi.errno());
  const s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  const socketErrno = koffi.errno();
  if (setns(home, CLONE_NEWNET) !== 0) {
    // A thread stuck in a foreign namespace would read the wrong node from now on: die instead.
    process.exit(70);
  }
  if (s < 0) throw new SyscallError("socket", socketErrno);
  return s;
}

/**
 * @param {{ id: string, path: string }} job
 * @param {Buffer[]} dumps
 * @param {{ request: Buffer, fdOffset: number }} nsidByFd
 */
function readOne(job, dumps, nsidByFd) {
  const nsFd = open(job.path, O_RDONLY | O_CLOEXEC);
  if (nsFd < 0) return { id: job.id, ok: false, stage: "open", errno: koffi.errno() };
  let s = -1;
  try {
    try {
      s = socketIn(nsFd);
    } finally {
      close(nsFd); // the socket keeps its namespace; the file is no longer needed
    }
    const answers = dumps.map((request) => exchange(s, Buffer.from(request)));
    const hostIdHere = exchange(s, withFd(nsidByFd.request, nsidByFd.fdOffset, home));
    return { id: job.id, ok: true, answers, hostIdHere };
  } catch (err) {
    if (err instanceof SyscallError) return { id: job.id, ok: false, stage: err.stage, errno: err.errno };
    throw err;
  } finally {
    if (s >= 0) close(s);
  }
}

/**
 * Asks namespace `path` for its ids of each candidate namespace (for veths between two non-host
 * namespaces). @param {{ id: string, path: string, candidates: Array<{ id: string, path: string }> }} query
 * @param {{ request: Buffer, fdOffset: number }} nsidByFd
 */
function askIds(query, nsidByFd) {
  const nsFd = open(query.path, O_RDONLY | O_CLOEXEC);
  if (nsFd < 0) return { id: query.id, ok: false, stage: "open", errno: koffi.errno(), answers: [] };
  let s = -1;
  try {
    s = socketIn(nsFd);
    const answers = [];
    for (const candidate of query.candidates) {
      const candFd = open(candidate.path, O_RDONLY | O_CLOEXEC);
      if (candFd < 0) continue;
      try {
        answers.push({ id: candidate.id, answer: exchange(s, withFd(nsidByFd.request, nsidByFd.fdOffset, candFd)) });
      } finally {
        close(candFd);
      }
    }
    return { id: query.id, ok: true, answers };
  } catch (err) {
    if (err instanceof SyscallError) return { id: query.id, ok: false, stage: err.stage, errno: err.errno, answers: [] };
    throw err;
  } finally {
    if (s >= 0) close(s);
    close(nsFd);
  }
}

/**
 * Sends sock_diag requests (listening sockets) inside one namespace.
 * @param {{ id: string, path: string }} job @param {Buffer[]} requests
 */
function diagOne(job, requests) {
  const nsFd = open(job.path, O_RDONLY | O_CLOEXEC);
  if (nsFd < 0) return { id: job.id, ok: false, stage: "open", errno: koffi.errno() };
  let s = -1;
  try {
    s = socketIn(nsFd, NETLINK_SOCK_DIAG);
    return { id: job.id, ok: true, answers: requests.map((request) => exchange(s, Buffer.from(request))) };
  } catch (err) {
    if (err instanceof SyscallError) return { id: job.id, ok: false, stage: err.stage, errno: err.errno };
    throw err;
  } finally {
    if (s >= 0) close(s);
    close(nsFd);
  }
}

const BATCH = 32;

/**
 * Runs `work` for each job and posts the results in batches of BATCH as they come (the main thread
 * parses one batch while the next is read), transferring their answers' bytes.
 * @param {number} requestId @param {unknown[]} jobs
 * @param {(job: any) => { answers?: ArrayBuffer[], hostIdHere?: ArrayBuffer }} work
 */
function answerInBatches(requestId, jobs, work) {
  /** @type {unknown[]} */
  let batch = [];
  /** @type {ArrayBuffer[]} */
  let transfer = [];
  for (const job of jobs) {
    const result = work(job);
    batch.push(result);
    if (result.answers) transfer.push(...result.answers);
    if (result.hostIdHere) transfer.push(result.hostIdHere);
    if (batch.length === BATCH) {
      parentPort?.postMessage({ requestId, results: batch, done: false }, transfer);
      batch = [];
      transfer = [];
    }
  }
  parentPort?.postMessage({ requestId, results: batch, done: true }, transfer);
}

parentPort?.on("message", (message) => {
  const nsidByFd = { request: Buffer.from(message.nsidByFd.request), fdOffset: message.nsidByFd.fdOffset };
  if (message.type === "read") {
    const dumps = message.dumps.map((/** @type {ArrayBuffer} */ d) => Buffer.from(d));
    answerInBatches(message.requestId, message.jobs, (job) => readOne(job, dumps, nsidByFd));
  } else if (message.type === "diag") {
    // Every namespace in one message: one round trip per namespace cost more than its dumps.
    const requests = message.requests.map((/** @type {ArrayBuffer} */ d) => Buffer.from(d));
    answerInBatches(message.requestId, message.jobs, (job) => diagOne(job, requests));
  } else if (message.type === "ask-ids") {
    const results = message.queries.map((/** @type {any} */ q) => askIds(q, nsidByFd));
    const transfer = results.flatMap((/** @type {any} */ r) => r.answers.map((/** @type {any} */ a) => a.answer));
    parentPort?.postMessage({ requestId: message.requestId, results, done: true }, transfer);
  }
});
