/**
 * The change watch's rules, apart from its socket (change-watch-socket.ts): what an event marks as
 * changed, and whether a namespace's last full reading still holds, so that only its counters are
 * read (one RTM_GETSTATS dump instead of three dumps). No syscalls: the reader worker feeds in what
 * the watch heard and what each namespace turned out to be.
 *
 * A namespace is read as counters only when it had no event since its last full reading, its links
 * do not lead to an interface that had a link event, and that reading is younger than the bound.
 * Whatever cannot be vouched for (no host id, another namespace under the same inode, a lost event,
 * no watch) is read in full.
 */
import { ERRNO } from "./describe-failure";
import { NLMSGHDR_LEN, RTM } from "./netlink-constants";
import { walkMessages } from "./netlink-parser";
import type { ScanJob } from "./reader-protocol";
import { linkIndexOf } from "./rtnl-decode";

/**
 * What the watch heard since the last scan. Namespaces are named as their events are tagged: by the
 * host's id for them, -1 for the host itself (its events come untagged). Which change does not
 * matter: the namespace is read again.
 */
export class HeardChanges {
  private readonly namespaces = new Set<number>();
  private readonly links = new Map<number, Set<number>>();

  clear(): void {
    this.namespaces.clear();
    this.links.clear();
  }

  /** One datagram of rtnetlink events from namespace `nsid`: link events also name their interface. */
  note(nsid: number, datagram: Buffer): void {
    this.noteNamespace(nsid);
    walkMessages(datagram, 0, datagram.length, (off, len, type) => {
      if (type !== RTM.NEWLINK && type !== RTM.DELLINK) return;
      const ifindex = linkIndexOf(datagram.subarray(off + NLMSGHDR_LEN, off + len));
      if (ifindex !== undefined) this.noteLink(nsid, ifindex);
    });
  }

  noteNamespace(nsid: number): void {
    this.namespaces.add(nsid);
  }

  noteLink(nsid: number, ifindex: number): void {
    const set = this.links.get(nsid);
    if (set === undefined) this.links.set(nsid, new Set([ifindex]));
    else set.add(ifindex);
  }

  hasNamespace(nsid: number): boolean {
    return this.namespaces.has(nsid);
  }

  hasLink(nsid: number, ifindex: number): boolean {
    return this.links.get(nsid)?.has(ifindex) ?? false;
  }
}

/** An open watch, as a scan sees it. */
export interface WatchView {
  /** Bumped whenever events may have been missed: every reading remembered before is void. */
  epoch: number;
  heard: Pick<HeardChanges, "hasNamespace" | "hasLink">;
}

/**
 * What the worker remembers of a namespace's last full reading, to know whether the main thread's
 * decoded records of it still hold. `hostNsid` is what its events are tagged with: the host's id for
 * it (negative: none), -1 for the host itself.
 */
export interface Remembered {
  /** SO_NETNS_COOKIE: unlike the inode, never given to another namespace while the machine runs. */
  cookie: bigint;
  hostNsid: number;
  isHome: boolean;
  reading: string;
  epoch: number;
  /** When it is due for a full reading however quiet it is (ms since the epoch). */
  fullBefore: number;
}

/** Whether the watch can hear a namespace's events: the host's own, or one the host has an id for. */
const isHeard = (r: Pick<Remembered, "isHome" | "hostNsid">): boolean => r.isHome || r.hostNsid >= 0;

/**
 * Whether `job`'s last full reading (in `before`, the previous scan's memory) still holds for the
 * namespace now open with `cookie`, given what `watch` heard since. undefined watch or cookie: nothing
 * can be vouched for.
 */
export function isUnchanged(
  job: Pick<ScanJob, "id" | "known" | "linkedTo">,
  cookie: bigint | undefined,
  before: ReadonlyMap<string, Remembered>,
  watch: WatchView | undefined,
  now: number,
): boolean {
  const r = before.get(job.id);
  if (watch === undefined || r === undefined || cookie === undefined) return false;
  if (job.known !== r.reading || r.cookie !== cookie || r.epoch !== watch.epoch || now >= r.fullBefore) return false;
  if (!isHeard(r) || watch.heard.hasNamespace(r.hostNsid)) return false;
  // A veth end moving elsewhere changes the other end's IFLA_LINK_NETNSID with no event where that end
  // is: only the moving end's own namespace hears of it, as a link event for that ifindex.
  for (const ref of job.linkedTo ?? []) {
    const other = before.get(ref.netnsId);
    if (other === undefined || !isHeard(other) || watch.heard.hasLink(other.hostNsid, ref.ifindex)) return false;
  }
  return true;
}

/** Missing privileges or kernel support do not come back by opening the watch again every scan. */
export function isLastingFailure(errno: number): boolean {
  return errno === ERRNO.EPERM || errno === ERRNO.ENOPROTOOPT || errno === ERRNO.EINVAL;
}

/** The worker's memory of full readings, one scan (pass) to the next: namespaces a pass does not read are forgotten. */
export class ReadingMemory {
  private before = new Map<string, Remembered>();
  private current = new Map<string, Remembered>();
  private readings = 0;

  /** `instance` keeps a restarted worker's reading names from meeting its predecessor's. */
  constructor(
    private readonly instance: string,
    private readonly random: () => number = Math.random,
  ) {}

  startPass(): void {
    this.before = this.current;
    this.current = new Map();
  }

  /** The reading whose records still hold for `job` (see isUnchanged), carried into this pass; undefined: read it in full. */
  vouchFor(job: Pick<ScanJob, "id" | "known" | "linkedTo">, cookie: bigint | undefined, watch: WatchView | undefined, now: number): string | undefined {
    const r = this.before.get(job.id);
    if (r === undefined || !isUnchanged(job, cookie, this.before, watch, now)) return undefined;
    this.current.set(job.id, r);
    return r.reading;
  }

  /** Names a full reading about to be taken, and remembers it. */
  remember(id: string, facts: Pick<Remembered, "cookie" | "hostNsid" | "isHome" | "epoch">, now: number, maxUnreadMs: number): string {
    const reading = `${this.instance}-${++this.readings}`;
    // Spread over ±25% so that namespaces first read together do not all come due in one scan.
    const fullBefore = now + maxUnreadMs * (0.75 + this.random() / 2);
    this.current.set(id, { ...facts, reading, fullBefore });
    return reading;
  }

  /** A reading that failed: nothing of it can be vouched for. */
  forget(id: string): void {
    this.current.delete(id);
  }
}
