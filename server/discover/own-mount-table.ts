/**
 * The nsfs mounts of the agent's own mount namespace, read again only when its mount table changed.
 * That mountinfo is the longest on a node (every bind mount under /run/netns, twice: ~2,000 lines and
 * ~4 ms to read at 1,000 namespaces) and changes far less often than the agent scans. A descriptor of
 * /proc/self/mountinfo reports, through poll(2) POLLPRI, any change to the table since it was last
 * polled (or opened); polling it without waiting at each scan is one syscall. Holding it keeps nothing
 * alive that would otherwise go: it is the namespace the agent itself lives in.
 */
import fs from "node:fs";
import { POLLFD, pollNow } from "../collect/libc-poll";
import { POLL } from "../collect/netlink-constants";
import { logUnexpected } from "../log/failures";
import { parseNsfsMounts, type NsfsMount, type NsfsMountSource } from "./mountinfo";

export class OwnMountTable implements NsfsMountSource {
  private readonly pollfd = Buffer.alloc(POLLFD.BYTES);
  private fd: number | undefined;
  private mounts: NsfsMount[] | undefined;

  constructor(private readonly path = "/proc/self/mountinfo") {}

  /** The nsfs mounts now: the last reading while the table has not changed since it was taken. */
  nsfsMounts(): NsfsMount[] {
    if (this.mounts !== undefined && !this.hasChanged()) return this.mounts;
    // Opened before the reading: a change made while reading is reported by the next poll and read then.
    this.fd ??= this.open();
    const mounts = parseNsfsMounts(fs.readFileSync(this.path, "utf8"));
    if (this.fd !== undefined) this.mounts = mounts;
    return mounts;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    this.mounts = undefined;
  }

  /** undefined when the file cannot be held open: then every reading is fresh. */
  private open(): number | undefined {
    try {
      const fd = fs.openSync(this.path, "r");
      this.pollfd.writeInt32LE(fd, 0);
      this.pollfd.writeInt16LE(POLL.PRI, POLLFD.EVENTS);
      return fd;
    } catch (err) {
      logUnexpected("holding the agent's own mountinfo open", err, { path: this.path });
      return undefined;
    }
  }

  private hasChanged(): boolean {
    this.pollfd.writeInt16LE(0, POLLFD.REVENTS);
    // An error of poll itself says nothing about the table: read it again.
    return pollNow(this.pollfd, 1) !== 0 || this.pollfd.readInt16LE(POLLFD.REVENTS) !== 0;
  }
}
