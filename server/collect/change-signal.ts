/**
 * Wakes the agent when the kernel says the node's network may have changed, so a new namespace reaches
 * the event stream within a scan's time instead of a polling period:
 *  - the mount table changed (poll(2) POLLPRI on /proc/self/mountinfo): every `ip netns add`, Docker,
 *    CRI and podman namespace is a bind mount of an nsfs file;
 *  - a link, address, route or nsid event in the host or any namespace it has an id for (one netlink
 *    socket with NETLINK_LISTEN_ALL_NSID; without CAP_NET_BROADCAST it still hears the host's own,
 *    where every veth into a container or pod shows its host end).
 * It only says "look again": the scan that follows finds what changed. poll(2) runs on a libuv pool
 * thread (koffi's async call), never blocking the event loop; the socket never changes namespace.
 */
import { createRequire } from "node:module";
import { libcPoll, POLLFD, type LibcPoll } from "./libc-poll";
import { AF, MSG_DONTWAIT, NETLINK, NETLINK_OPT, O, POLL, RTNLGRP, SOCK, SOCKADDR_NL_LEN, SOL } from "./netlink-constants";

const require = createRequire(import.meta.url);
const koffi: typeof import("koffi") = require("koffi");

/** poll(2)'s timeout: how long close() may wait for the pool thread to come back. */
const POLL_TIMEOUT_MS = 500;

export type WakeReason = "mounts" | "netlink";

interface Libc {
  socket: (domain: number, type: number, protocol: number) => number;
  bind: (fd: number, addr: Buffer, len: number) => number;
  setsockopt: (fd: number, level: number, name: number, value: Buffer, len: number) => number;
  open: (path: string, flags: number) => number;
  close: (fd: number) => number;
  recv: (fd: number, buf: Buffer, len: number, flags: number) => number | bigint;
  poll: LibcPoll;
}

let libc: Libc | undefined;

function loadLibc(): Libc {
  if (libc !== undefined) return libc;
  const lib = koffi.load("libc.so.6");
  libc = {
    socket: lib.func("int socket(int domain, int type, int protocol)"),
    bind: lib.func("int bind(int fd, const void *addr, uint32_t len)"),
    setsockopt: lib.func("int setsockopt(int fd, int level, int name, const void *value, uint32_t len)"),
    open: lib.func("int open(const char *path, int flags)"),
    close: lib.func("int close(int fd)"),
    recv: lib.func("intptr_t recv(int fd, void *buf, size_t len, int flags)"),
    poll: libcPoll(),
  };
  return libc;
}

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value);
  return b;
}

/** Opens the host-side event socket; -1 when netlink itself is unavailable. */
function eventSocket(c: Libc): { fd: number; hearsAllNamespaces: boolean } {
  const fd = c.socket(AF.NETLINK, SOCK.RAW | SOCK.CLOEXEC | SOCK.NONBLOCK, NETLINK.ROUTE);
  if (fd < 0) return { fd: -1, hearsAllNamespaces: false };
  const address = Buffer.alloc(SOCKADDR_NL_LEN);
  address.writeUInt16LE(AF.NETLINK, 0);
  if (c.bind(fd, address, address.length) !== 0) {
    c.close(fd);
    return { fd: -1, hearsAllNamespaces: false };
  }
  // EPERM without CAP_NET_BROADCAST: the host's own events still arrive.
  const hearsAllNamespaces = c.setsockopt(fd, SOL.NETLINK, NETLINK_OPT.LISTEN_ALL_NSID, int32(1), 4) === 0;
  for (const group of Object.values(RTNLGRP)) c.setsockopt(fd, SOL.NETLINK, NETLINK_OPT.ADD_MEMBERSHIP, int32(group), 4);
  return { fd, hearsAllNamespaces };
}

export class ChangeSignal {
  private readonly c = loadLibc();
  private readonly netlinkFd: number;
  private readonly mountsFd: number;
  /** Whether events of other namespaces are heard too (CAP_NET_BROADCAST). */
  readonly hearsAllNamespaces: boolean;
  private readonly pollfds = koffi.alloc("uint8_t", 2 * POLLFD.BYTES);
  private readonly view: Buffer;
  private readonly drainBuffer = Buffer.alloc(1 << 16);
  private isClosed = false;
  private isPolling = false;
  private isReleased = false;

  constructor(private readonly onWake: (reason: WakeReason) => void) {
    const socket = eventSocket(this.c);
    this.netlinkFd = socket.fd;
    this.hearsAllNamespaces = socket.hearsAllNamespaces;
    this.mountsFd = this.c.open("/proc/self/mountinfo", O.RDONLY | O.CLOEXEC);
    this.view = Buffer.from(koffi.view(this.pollfds, 2 * POLLFD.BYTES));
    this.view.writeInt32LE(this.netlinkFd, 0);
    this.view.writeInt16LE(POLL.IN, POLLFD.EVENTS);
    this.view.writeInt32LE(this.mountsFd, POLLFD.BYTES);
    this.view.writeInt16LE(POLL.PRI, POLLFD.BYTES + POLLFD.EVENTS);
    this.arm();
  }

  /** Whether either source could be opened (neither: the agent relies on its periodic scan). */
  get isWatching(): boolean {
    return this.netlinkFd >= 0 || this.mountsFd >= 0;
  }

  private arm(): void {
    if (this.isClosed || !this.isWatching) return this.release();
    this.view.writeInt16LE(0, POLLFD.REVENTS);
    this.view.writeInt16LE(0, POLLFD.BYTES + POLLFD.REVENTS);
    this.isPolling = true;
    this.c.poll.async(this.pollfds, 2, POLL_TIMEOUT_MS, (err: unknown, ready: number) => {
      this.isPolling = false;
      if (this.isClosed) return this.release();
      if (err === null && ready > 0) {
        const netlinkReady = this.view.readInt16LE(POLLFD.REVENTS) !== 0;
        const mountsChanged = this.view.readInt16LE(POLLFD.BYTES + POLLFD.REVENTS) !== 0;
        if (netlinkReady) this.drain();
        if (mountsChanged) this.onWake("mounts");
        if (netlinkReady) this.onWake("netlink");
      }
      this.arm();
    });
  }

  /** Empties the socket: only that something happened matters (ENOBUFS, a lost event, reads the same). */
  private drain(): void {
    for (let i = 0; i < 1024; i++) {
      if (Number(this.c.recv(this.netlinkFd, this.drainBuffer, this.drainBuffer.length, MSG_DONTWAIT)) <= 0) return;
    }
  }

  /** Stops; the descriptors close when the pending poll(2) returns (at most POLL_TIMEOUT_MS later). */
  close(): void {
    this.isClosed = true;
    if (!this.isPolling) this.release();
  }

  private release(): void {
    if (this.isReleased) return;
    this.isReleased = true;
    if (this.netlinkFd >= 0) this.c.close(this.netlinkFd);
    if (this.mountsFd >= 0) this.c.close(this.mountsFd);
  }
}
