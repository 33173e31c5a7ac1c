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
 *
 * Change watch: one socket in the host namespace hears the link, address, route and nsid events of
 * every namespace the host has an id for (NETLINK_LISTEN_ALL_NSID, CAP_NET_BROADCAST). A namespace
 * with no event since its last full reading, whose links do not lead to an interface that had a link
 * event, and whose full reading is younger than a minute, has only its counters read (one
 * RTM_GETSTATS dump instead of three dumps): the main thread keeps its decoded records. Whatever
 * cannot be vouched for (no host id, another namespace under the same inode, a lost event, no watch)
 * is read in full.
 */
import { randomUUID } from "node:crypto";
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
const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const SO_RCVBUFFORCE = 33;
const SO_NETNS_COOKIE = 71;
const SOL_NETLINK = 270;
const NETLINK_ADD_MEMBERSHIP = 1;
const NETLINK_LISTEN_ALL_NSID = 8;
const MSG_DONTWAIT = 0x40;
const EPERM = 1;
const EINTR = 4;
const EINVAL = 22;
const ENOPROTOOPT = 92;
const EAGAIN = 11;
const ENOBUFS = 105;
/** Events queue here between scans; a full queue loses events, which makes every namespace be read in full once. */
const WATCH_BUFFER_BYTES = 4 << 20;

const libc = koffi.load("libc.so.6");
const open = libc.func("int open(const char *path, int flags)");
const close = libc.func("int close(int fd)");
const setns = libc.func("int setns(int fd, int nstype)");
const socket = libc.func("int socket(int domain, int type, int protocol)");
const sendto = libc.func("intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)");
const recv = libc.func("intptr_t recv(int fd, void *buf, size_t len, int flags)");
const bind = libc.func("int bind(int fd, const void *addr, uint32_t len)");
const setsockopt = libc.func("int setsockopt(int fd, int level, int name, const void *value, uint32_t len)");
const getsockopt = libc.func("int getsockopt(int fd, int level, int name, void *value, void *len)");
const recvmsg = libc.func("intptr_t recvmsg(int fd, void *msg, int flags)");

/** struct sockaddr_nl for the kernel: family AF_NETLINK, pid 0, groups 0. */
const KERNEL = Buffer.alloc(12);
KERNEL.writeUInt16LE(AF_NETLINK, 0);
const RECV_BUF = Buffer.alloc(1 << 17);
let seq = 1;

const home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
if (home < 0) throw new Error(`cannot open this thread's netns: errno ${koffi.errno()}`);
/** A socket in the host namespace for questions about other namespaces ("your id for this one?"). */
const homeSocket = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
if (homeSocket < 0) throw new Error(`cannot open a netlink socket: errno ${koffi.errno()}`);
const homeCookie = netnsCookie(homeSocket);
/** Full readings are numbered; the instance part keeps a restarted worker's numbers from meeting old ones. */
const INSTANCE = randomUUID().slice(0, 8);
let readings = 0;

class SyscallError extends Error {
  /** @param {string} stage @param {number} errno */
  constructor(stage, errno) {
    super(`${stage}: errno ${errno}`);
    this.stage = stage;
    this.errno = errno;
  }
}

/** @param {number} value */
function int32(value) {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value);
  return b;
}

/**
 * The namespace's cookie (SO_NETNS_COOKIE, Linux 5.14+): unlike its inode, never given to another
 * namespace while the machine runs. undefined when the kernel cannot tell.
 * @param {number} fd @returns {bigint | undefined}
 */
function netnsCookie(fd) {
  const value = Buffer.alloc(8);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(8);
  return getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, value, len) === 0 ? value.readBigUInt64LE() : undefined;
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
  for (let off = 0; off + 16 <= answer.length;) {
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
 * The host-side socket that hears every namespace's link, address, route and nsid events, and what
 * it heard since the last scan. Events only say "something changed in namespace N" (N = the host's
 * id for it, or none for the host itself): which change does not matter, the namespace is read again.
 */
class ChangeWatch {
  /** @param {number[]} groups rtnetlink multicast groups */
  constructor(groups) {
    this.groups = groups;
    this.fd = -1;
    /** Bumped whenever events may have been missed: every remembered reading made before is void. */
    this.epoch = 0;
    /** Why there is no watch (every namespace is then read in full), or undefined. */
    this.unavailable = undefined;
    /** Namespaces (by the host's id for them; -1: the host) with any event since the last drain. */
    this.changed = new Set();
    /** @type {Map<number, Set<number>>} per namespace as above, the ifindexes of links with an event */
    this.linksChanged = new Map();
    const DATA = 1 << 16;
    const CONTROL = 64;
    // recvmsg takes pointers inside a struct: native memory that never moves, seen through views.
    this.data = koffi.alloc("uint8_t", DATA);
    this.control = koffi.alloc("uint8_t", CONTROL);
    this.iov = koffi.alloc("uint8_t", 16);
    this.msg = koffi.alloc("uint8_t", 56);
    this.dataView = Buffer.from(koffi.view(this.data, DATA));
    this.controlView = Buffer.from(koffi.view(this.control, CONTROL));
    this.msgView = Buffer.from(koffi.view(this.msg, 56));
    const iovView = Buffer.from(koffi.view(this.iov, 16));
    iovView.writeBigUInt64LE(koffi.address(this.data), 0);
    iovView.writeBigUInt64LE(BigInt(DATA), 8);
  }

  /** Opens the socket when there is none; on failure says why and stays closed (for good when privileges are missing). */
  ensureOpen() {
    if (this.fd >= 0 || this.unavailable?.isLasting) return;
    const fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return this.fail("socket", koffi.errno(), -1);
    const address = Buffer.alloc(12);
    address.writeUInt16LE(AF_NETLINK, 0); // pid 0: the kernel picks one; a socket without one hears no events
    if (bind(fd, address, address.length) !== 0) return this.fail("bind", koffi.errno(), fd);
    // EPERM here means no CAP_NET_BROADCAST: only the host's own events would be heard.
    if (setsockopt(fd, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, int32(1), 4) !== 0) return this.fail("NETLINK_LISTEN_ALL_NSID", koffi.errno(), fd);
    for (const group of this.groups) {
      if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, int32(group), 4) !== 0) return this.fail(`joining group ${group}`, koffi.errno(), fd);
    }
    // FORCE passes rmem_max with CAP_NET_ADMIN; without it the plain option is capped, which only means overflowing sooner.
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, int32(WATCH_BUFFER_BYTES), 4) !== 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, int32(WATCH_BUFFER_BYTES), 4);
    this.fd = fd;
    this.unavailable = undefined;
    this.epoch++;
  }

  /** @param {string} stage @param {number} errno @param {number} fd */
  fail(stage, errno, fd) {
    if (fd >= 0) close(fd);
    this.fd = -1;
    // Missing privileges or kernel support do not come back by trying again every scan.
    this.unavailable = { stage, errno, isLasting: errno === EPERM || errno === ENOPROTOOPT || errno === EINVAL };
    this.epoch++;
  }

  /** Takes every queued event; when some were lost, bumps the epoch (nothing remembered can be trusted). */
  drain() {
    this.changed.clear();
    this.linksChanged.clear();
    if (this.fd < 0) return;
    let isComplete = true;
    for (;;) {
      this.msgView.fill(0);
      this.msgView.writeBigUInt64LE(koffi.address(this.iov), 16);
      this.msgView.writeBigUInt64LE(1n, 24);
      this.msgView.writeBigUInt64LE(koffi.address(this.control), 32);
      this.msgView.writeBigUInt64LE(BigInt(this.controlView.length), 40);
      const n = Number(recvmsg(this.fd, this.msg, MSG_DONTWAIT));
      if (n < 0) {
        const errno = koffi.errno();
        if (errno === EAGAIN) break;
        if (errno === EINTR) continue;
        isComplete = false;
        if (errno === ENOBUFS) continue; // the queue overflowed; the socket goes on with new events
        this.fail("recvmsg", errno, this.fd);
        break;
      }
      const nsid = this.sourceNsid();
      this.changed.add(nsid);
      for (let off = 0; off + 16 <= n;) {
        const len = this.dataView.readUInt32LE(off);
        const type = this.dataView.readUInt16LE(off + 4);
        // struct ifinfomsg follows the header: family, pad, type, then ifi_index at +4.
        if ((type === RTM_NEWLINK || type === RTM_DELLINK) && len >= 16 + 8) this.linkChanged(nsid, this.dataView.readInt32LE(off + 20));
        if (len < 16) break;
        off += (len + 3) & ~3;
      }
    }
    if (!isComplete) this.epoch++;
  }

  /** @param {number} nsid @param {number} ifindex */
  linkChanged(nsid, ifindex) {
    const set = this.linksChanged.get(nsid);
    if (set === undefined) this.linksChanged.set(nsid, new Set([ifindex]));
    else set.add(ifindex);
  }

  /** The host's id for the namespace an event came from (its control message), -1 for the host's own. */
  sourceNsid() {
    const controlLen = Number(this.msgView.readBigUInt64LE(40));
    for (let off = 0; off + 16 <= controlLen;) {
      const len = Number(this.controlView.readBigUInt64LE(off));
      if (this.controlView.readInt32LE(off + 8) === SOL_NETLINK && this.controlView.readInt32LE(off + 12) === NETLINK_LISTEN_ALL_NSID)
        return this.controlView.readInt32LE(off + 16);
      if (len < 16) break;
      off += (len + 7) & ~7;
    }
    return -1;
  }
}

/**
 * What the worker remembers of each namespace's last full reading, to know whether the main
 * thread's decoded records of it still hold. `hostNsid` is what its events are tagged with: the
 * host's id for it, -1 for the host itself (whose events come untagged).
 * @typedef {{ cookie: bigint, hostNsid: number, isHome: boolean, reading: string, epoch: number, fullBefore: number }} Remembered
 */

/** @type {Map<string, Remembered>} */
let remembered = new Map();
/** @type {ChangeWatch | undefined} */
let watch;

/**
 * @param {{ id: string, known?: string, linkedTo?: Array<{ netnsId: string, ifindex: number }> }} job
 * @param {bigint | undefined} cookie
 * @param {Map<string, Remembered>} before
 * @param {number} now
 */
function isUnchanged(job, cookie, before, now) {
  const r = before.get(job.id);
  if (watch === undefined || watch.fd < 0 || r === undefined || cookie === undefined) return false;
  if (job.known !== r.reading || r.cookie !== cookie || r.epoch !== watch.epoch || now >= r.fullBefore) return false;
  if (!r.isHome && r.hostNsid < 0) return false; // the host has no id for it: its events cannot be heard
  if (watch.changed.has(r.hostNsid)) return false;
  // A veth end moving elsewhere changes the other end's IFLA_LINK_NETNSID with no event where that end
  // is: only the moving end's own namespace hears of it, as a link event for that ifindex.
  for (const ref of job.linkedTo ?? []) {
    const o = before.get(ref.netnsId);
    if (o === undefined || (!o.isHome && o.hostNsid < 0)) return false;
    if (watch.linksChanged.get(o.hostNsid)?.has(ref.ifindex)) return false;
  }
  return true;
}

/**
 * @param {{ id: string, path: string, known?: string, linkedTo?: Array<{ netnsId: string, ifindex: number }> }} job
 * @param {{ dumps: Buffer[], stats: Buffer, nsidByFd: { request: Buffer, fdOffset: number }, maxUnreadMs: number }} requests
 * @param {Map<string, Remembered>} before what the previous pass remembered
 * @param {number} now
 */
function readOne(job, requests, before, now) {
  const nsFd = open(job.path, O_RDONLY | O_CLOEXEC);
  if (nsFd < 0) return { id: job.id, ok: false, stage: "open", errno: koffi.errno() };
  let s = -1;
  try {
    try {
      s = socketIn(nsFd);
      const cookie = netnsCookie(s);
      if (isUnchanged(job, cookie, before, now)) {
        const r = /** @type {Remembered} */ (before.get(job.id));
        remembered.set(job.id, r);
        return { id: job.id, ok: true, reading: r.reading, counters: exchange(s, Buffer.from(requests.stats)) };
      }
      if (watch === undefined || watch.fd < 0 || cookie === undefined) return { id: job.id, ok: true, ...fullReading(s, requests) };
      const isHome = cookie === homeCookie;
      // Asked before the dumps: an id assigned later is met by a full reading then.
      const hostNsid = isHome ? -1 : hostIdOf(nsFd, requests.nsidByFd);
      const reading = `${INSTANCE}-${++readings}`;
      // Spread over ±25% so that namespaces first read together do not all come due in one scan.
      const fullBefore = now + requests.maxUnreadMs * (0.75 + Math.random() / 2);
      remembered.set(job.id, { cookie, hostNsid, isHome, reading, epoch: watch.epoch, fullBefore });
      return { id: job.id, ok: true, reading, ...fullReading(s, requests) };
    } finally {
      close(nsFd); // the socket keeps its namespace; the file is no longer needed
    }
  } catch (err) {
    remembered.delete(job.id);
    if (err instanceof SyscallError) return { id: job.id, ok: false, stage: err.stage, errno: err.errno };
    throw err;
  } finally {
    if (s >= 0) close(s);
  }
}

/** @param {number} s @param {{ dumps: Buffer[], nsidByFd: { request: Buffer, fdOffset: number } }} requests */
function fullReading(s, requests) {
  const answers = requests.dumps.map((request) => exchange(s, Buffer.from(request)));
  const hostIdHere = exchange(s, withFd(requests.nsidByFd.request, requests.nsidByFd.fdOffset, home));
  return { answers, hostIdHere };
}

/**
 * The host's id for the namespace behind nsFd (-1: none), asked on the host's socket. Read as the
 * kernel answers (RTM_NEWNSID, NETNSA_NSID = 1) here because the watch needs it before any dump.
 * @param {number} nsFd @param {{ request: Buffer, fdOffset: number }} nsidByFd
 */
function hostIdOf(nsFd, nsidByFd) {
  const answer = Buffer.from(exchange(homeSocket, withFd(nsidByFd.request, nsidByFd.fdOffset, nsFd)));
  if (answer.length < 20 || answer.readUInt16LE(4) === NLMSG_ERROR) return -1;
  for (let off = 20; off + 8 <= answer.length;) {
    const len = answer.readUInt16LE(off);
    if (len < 4) break;
    if ((answer.readUInt16LE(off + 2) & 0x3fff) === 1 && len >= 8) return answer.readInt32LE(off + 4);
    off += (len + 3) & ~3;
  }
  return -1;
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
 * @param {(job: any) => { answers?: ArrayBuffer[], hostIdHere?: ArrayBuffer, counters?: ArrayBuffer }} work
 * @param {Record<string, unknown>} [last] sent along with the last batch
 */
function answerInBatches(requestId, jobs, work, last = {}) {
  /** @type {unknown[]} */
  let batch = [];
  /** @type {ArrayBuffer[]} */
  let transfer = [];
  for (const job of jobs) {
    const result = work(job);
    batch.push(result);
    if (result.answers) transfer.push(...result.answers);
    if (result.hostIdHere) transfer.push(result.hostIdHere);
    if (result.counters) transfer.push(result.counters);
    if (batch.length === BATCH) {
      parentPort?.postMessage({ requestId, results: batch, done: false }, transfer);
      batch = [];
      transfer = [];
    }
  }
  parentPort?.postMessage({ requestId, results: batch, done: true, ...last }, transfer);
}

parentPort?.on("message", (message) => {
  const nsidByFd = { request: Buffer.from(message.nsidByFd.request), fdOffset: message.nsidByFd.fdOffset };
  if (message.type === "read") {
    const requests = {
      dumps: message.dumps.map((/** @type {ArrayBuffer} */ d) => Buffer.from(d)),
      stats: Buffer.from(message.stats),
      nsidByFd,
      maxUnreadMs: message.watch.maxUnreadMs,
    };
    if (message.watch.isOn) {
      watch ??= new ChangeWatch(message.watch.groups);
      watch.ensureOpen();
      watch.drain();
    } else if (watch !== undefined) {
      if (watch.fd >= 0) close(watch.fd);
      watch = undefined;
    }
    const before = remembered;
    remembered = new Map(); // namespaces missing from this pass are forgotten
    const now = Date.now();
    answerInBatches(message.requestId, message.jobs, (job) => readOne(job, requests, before, now), {
      watchUnavailable: watch?.unavailable && { stage: watch.unavailable.stage, errno: watch.unavailable.errno },
    });
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
