/**
 * The change watch's socket, in the reader worker: one NETLINK_ROUTE socket in the host namespace
 * that hears the link, address, route and nsid events of every namespace the host has an id for
 * (NETLINK_LISTEN_ALL_NSID, which needs CAP_NET_BROADCAST). What it heard goes to the rules
 * (change-watch-rules.ts); this file only makes the syscalls.
 */
import { ERRNO } from "./describe-failure";
import { HeardChanges, isLastingFailure, type WatchView } from "./change-watch-rules";
import { AF, MSG_DONTWAIT, NETLINK, NETLINK_OPT, SO, SOCK, SOCKADDR_NL_LEN, SOL } from "./netlink-constants";
import { lastErrno, libc, pinned } from "./reader-libc";
import type { WatchUnavailable } from "./reader-protocol";

/** Events queue here between scans; a full queue loses events, which makes every namespace be read in full once. */
const WATCH_BUFFER_BYTES = 4 << 20;
const DATA_BYTES = 1 << 16;
const CONTROL_BYTES = 64;
/** struct iovec: base pointer, length. */
const IOVEC_BYTES = 16;
/** struct msghdr on 64-bit Linux: name, namelen (+pad), iov pointer, iovlen, control pointer, controllen, flags (+pad). */
const MSGHDR = { BYTES: 56, IOV: 16, IOVLEN: 24, CONTROL: 32, CONTROLLEN: 40 } as const;
/** struct cmsghdr: len (size_t), level (int), type (int), then the data, aligned to 8. */
const CMSGHDR = { LEVEL: 8, TYPE: 12, DATA: 16 } as const;

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value);
  return b;
}

export class ChangeWatchSocket {
  private fd = -1;
  private epoch = 0;
  private readonly heard = new HeardChanges();
  /** Why there is no watch (every namespace is then read in full), or undefined. */
  private failure: (WatchUnavailable & { isLasting: boolean }) | undefined;
  // recvmsg takes pointers inside a struct: native memory that never moves.
  private readonly data = pinned(DATA_BYTES);
  private readonly control = pinned(CONTROL_BYTES);
  private readonly msg = pinned(MSGHDR.BYTES);
  private readonly iov = pinned(IOVEC_BYTES);

  /** `groups`: the rtnetlink multicast groups to hear. */
  constructor(private readonly groups: readonly number[]) {
    this.iov.view.writeBigUInt64LE(this.data.address, 0);
    this.iov.view.writeBigUInt64LE(BigInt(DATA_BYTES), 8);
  }

  /** What a scan may rely on: undefined while the socket is closed (nothing can be vouched for). */
  get view(): WatchView | undefined {
    return this.fd < 0 ? undefined : { epoch: this.epoch, heard: this.heard };
  }

  get unavailable(): WatchUnavailable | undefined {
    return this.failure && { stage: this.failure.stage, errno: this.failure.errno };
  }

  /** Opens the socket when there is none; on failure says why and stays closed (for good when privileges are missing). */
  ensureOpen(): void {
    if (this.fd >= 0 || this.failure?.isLasting) return;
    const fd = libc.socket(AF.NETLINK, SOCK.RAW | SOCK.CLOEXEC, NETLINK.ROUTE);
    if (fd < 0) return this.fail("socket", lastErrno(), -1);
    const address = Buffer.alloc(SOCKADDR_NL_LEN);
    address.writeUInt16LE(AF.NETLINK, 0); // pid 0: the kernel picks one; a socket without one hears no events
    if (libc.bind(fd, address, address.length) !== 0) return this.fail("bind", lastErrno(), fd);
    // EPERM here means no CAP_NET_BROADCAST: only the host's own events would be heard.
    if (libc.setsockopt(fd, SOL.NETLINK, NETLINK_OPT.LISTEN_ALL_NSID, int32(1), 4) !== 0) return this.fail("NETLINK_LISTEN_ALL_NSID", lastErrno(), fd);
    for (const group of this.groups) {
      if (libc.setsockopt(fd, SOL.NETLINK, NETLINK_OPT.ADD_MEMBERSHIP, int32(group), 4) !== 0) return this.fail(`joining group ${group}`, lastErrno(), fd);
    }
    // FORCE passes rmem_max with CAP_NET_ADMIN; without it the plain option is capped, which only means overflowing sooner.
    if (libc.setsockopt(fd, SOL.SOCKET, SO.RCVBUFFORCE, int32(WATCH_BUFFER_BYTES), 4) !== 0)
      libc.setsockopt(fd, SOL.SOCKET, SO.RCVBUF, int32(WATCH_BUFFER_BYTES), 4);
    this.fd = fd;
    this.failure = undefined;
    this.epoch++;
  }

  /** Takes every queued event; when some were lost, bumps the epoch (nothing remembered can be trusted). */
  drain(): void {
    this.heard.clear();
    if (this.fd < 0) return;
    let isComplete = true;
    for (;;) {
      const n = this.receive();
      if (n < 0) {
        const errno = lastErrno();
        if (errno === ERRNO.EAGAIN) break;
        if (errno === ERRNO.EINTR) continue;
        isComplete = false;
        if (errno === ERRNO.ENOBUFS) continue; // the queue overflowed; the socket goes on with new events
        this.fail("recvmsg", errno, this.fd);
        break;
      }
      this.heard.note(this.sourceNsid(), this.data.view.subarray(0, n));
    }
    if (!isComplete) this.epoch++;
  }

  close(): void {
    if (this.fd >= 0) libc.close(this.fd);
    this.fd = -1;
  }

  private fail(stage: string, errno: number, fd: number): void {
    if (fd >= 0) libc.close(fd);
    this.fd = -1;
    this.failure = { stage, errno, isLasting: isLastingFailure(errno) };
    this.epoch++;
  }

  /** One datagram into `data`, its control messages into `control`; its length, or -1. */
  private receive(): number {
    const msg = this.msg.view;
    msg.fill(0);
    msg.writeBigUInt64LE(this.iov.address, MSGHDR.IOV);
    msg.writeBigUInt64LE(1n, MSGHDR.IOVLEN);
    msg.writeBigUInt64LE(this.control.address, MSGHDR.CONTROL);
    msg.writeBigUInt64LE(BigInt(CONTROL_BYTES), MSGHDR.CONTROLLEN);
    return Number(libc.recvmsg(this.fd, this.msg.memory, MSG_DONTWAIT));
  }

  /** The host's id for the namespace the datagram came from (its NETLINK_LISTEN_ALL_NSID control message), -1 for the host's own. */
  private sourceNsid(): number {
    const control = this.control.view;
    const controlLen = Number(this.msg.view.readBigUInt64LE(MSGHDR.CONTROLLEN));
    for (let off = 0; off + CMSGHDR.DATA <= controlLen;) {
      const len = Number(control.readBigUInt64LE(off));
      if (control.readInt32LE(off + CMSGHDR.LEVEL) === SOL.NETLINK && control.readInt32LE(off + CMSGHDR.TYPE) === NETLINK_OPT.LISTEN_ALL_NSID)
        return control.readInt32LE(off + CMSGHDR.DATA);
      if (len < CMSGHDR.DATA) break;
      off += (len + 7) & ~7;
    }
    return -1;
  }
}
