import { logUnexpected } from "../log/failures";
import { errorFields, logger } from "../log/logger";
import { describeFailure, ERRNO } from "./describe-failure";
import { NLMSGHDR_LEN, RTM } from "./netlink-constants";
import { forEachMessage, MalformedNetlinkError, NetlinkError } from "./netlink-parser";
import type { ReadResult } from "./reader-protocol";
import {
  decodeAddress,
  decodeLink,
  decodeNsidAnswer,
  decodeRoute,
  decodeStats,
  type LinkStats,
  type MessageBody,
  type RawAddress,
  type RawLink,
  type RawRoute,
} from "./rtnl-decode";

/** What one namespace holds, as read over rtnetlink. */
export interface NetnsContent {
  id: string;
  links: RawLink[];
  addresses: RawAddress[];
  routes: RawRoute[];
  /** This namespace's id for the host namespace (-1: none assigned). */
  hostNsidHere: number;
  isGone: boolean;
  /** Why reading failed, when it failed before any answer (open, setns, socket, ...). */
  failure?: { stage: string; errno: number };
  errors: string[];
}

/** errnos meaning "the namespace (or its holder) disappeared before we read it". */
const GONE_ERRNOS = new Set<number>([ERRNO.ENOENT, ERRNO.ESRCH]);

function empty(id: string, isGone: boolean, errors: string[]): NetnsContent {
  return { id, links: [], addresses: [], routes: [], hostNsidHere: -1, isGone, errors };
}

/** Records decoded earlier from byte-equal answers, used instead of decoding those answers again. */
type Reused = Pick<NetnsContent, "addresses" | "routes">;

/** Turns the worker's raw answers for one namespace into records; a failure becomes an error, not an empty list. */
export function decodeReading(result: ReadResult, reuse?: Reused): NetnsContent {
  if (!result.ok) {
    const isGone = result.stage === "open" && GONE_ERRNOS.has(result.errno);
    return { ...empty(result.id, isGone, isGone ? [] : [describeFailure(result.stage, result.errno)]), failure: { stage: result.stage, errno: result.errno } };
  }
  // Only a ReadingDecoder asks for counters alone, and holds the records they belong to.
  if (result.kind === "counters") return empty(result.id, false, [`netns ${result.id}: counters without the reading ${result.reading} they belong to`]);
  const where = `netns ${result.id}`;
  const content = empty(result.id, false, []);
  const [linkAnswer, addrAnswer, routeAnswer] = result.answers;
  content.links = decodeAll(linkAnswer, RTM.NEWLINK, `${where} link`, decodeLink, content.errors);
  content.addresses = reuse?.addresses ?? decodeAll(addrAnswer, RTM.NEWADDR, `${where} address`, decodeAddress, content.errors);
  content.routes = reuse?.routes ?? decodeAll(routeAnswer, RTM.NEWROUTE, `${where} route`, decodeRoute, content.errors);
  content.hostNsidHere = nsidOf(result.hostIdHere, `${where} nsid of host`, content.errors);
  return content;
}

/**
 * decodeReading with a memory, over a scan at a time:
 * - an address or route answer byte-equal to the one read from the same namespace last time reuses
 *   that time's records (link answers always differ, through their counters);
 * - a namespace the worker read only the counters of (nothing changed since full reading R) keeps
 *   R's records with the new counters. `known(id)` tells the reader which reading that is.
 * Records are shared between snapshots, never changed. Call endPass() after each scan to forget
 * namespaces that are gone.
 */
export class ReadingDecoder {
  private previous = new Map<string, Remembered>();
  private current = new Map<string, Remembered>();

  /** The full reading of `id` whose records this decoder holds, for the reader's job. */
  known(id: string): string | undefined {
    return this.previous.get(id)?.reading;
  }

  decode(result: ReadResult): NetnsContent {
    if (!result.ok) return decodeReading(result);
    if (result.kind === "counters") return this.withCounters(result);
    const [, addrAnswer, routeAnswer] = result.answers;
    const before = this.previous.get(result.id);
    const reuse = before !== undefined && before.addrAnswer.equals(addrAnswer) && before.routeAnswer.equals(routeAnswer) ? before.content : undefined;
    const content = decodeReading(result, reuse);
    if (content.errors.length === 0) this.current.set(result.id, { reading: result.reading, addrAnswer, routeAnswer, content });
    return content;
  }

  endPass(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /** The records of the reading the worker vouched for, with fresh counters. */
  private withCounters(result: Extract<ReadResult, { kind: "counters" }>): NetnsContent {
    const where = `netns ${result.id}`;
    const before = this.previous.get(result.id);
    if (before === undefined || before.reading !== result.reading) {
      return empty(result.id, false, [
        `${where}: the reader sent counters of reading ${result.reading}, which this scan does not hold; it is read in full next time`,
      ]);
    }
    const errors: string[] = [];
    const stats = new Map<number, LinkStats | undefined>();
    for (const s of decodeAll(result.counters, RTM.NEWSTATS, `${where} counter`, decodeStats, errors)) stats.set(s.ifindex, s.stats);
    const links = before.content.links;
    if (errors.length === 0 && (stats.size !== links.length || links.some((l) => !stats.has(l.ifindex)))) {
      // Cannot happen while the watch hears every change; if it does, the records are not trusted.
      errors.push(`${where}: its interfaces changed without a change event; it is read in full next time`);
    }
    if (errors.length > 0) return empty(result.id, false, errors);
    this.current.set(result.id, before);
    return { ...before.content, links: links.map((l) => ({ ...l, stats: stats.get(l.ifindex) })) };
  }
}

type Remembered = { reading: string | undefined; addrAnswer: Buffer; routeAnswer: Buffer; content: NetnsContent };

/**
 * Every message of `type` in one answer, decoded; a broken answer adds its error to `errors` (the
 * records decoded before the break are dropped: a partial list would read as the whole truth).
 */
function decodeAll<T>(answer: Buffer, type: number, where: string, decode: (m: MessageBody, where: string) => T | undefined, errors: string[]): T[] {
  const pass: DecodePass<T> = { type, where, decode, out: [], body: { buf: answer, start: 0, end: 0 } };
  try {
    forEachMessage(answer, `${where}s`, decodeMessage, pass);
    return pass.out;
  } catch (err) {
    errors.push(undecodable(err, where));
    return [];
  }
}

/** One answer being decoded: its one MessageBody is moved from message to message (the decoders keep no reference to it). */
interface DecodePass<T> {
  type: number;
  where: string;
  decode: (m: MessageBody, where: string) => T | undefined;
  out: T[];
  body: MessageBody;
}

function decodeMessage<T>(type: number, off: number, end: number, pass: DecodePass<T>): void {
  if (type !== pass.type) return;
  pass.body.start = off + NLMSGHDR_LEN;
  pass.body.end = end;
  const record = pass.decode(pass.body, pass.where);
  if (record !== undefined) pass.out.push(record);
}

function nsidOf(answer: Buffer, where: string, errors: string[]): number {
  try {
    return decodeNsidAnswer(answer, where);
  } catch (err) {
    errors.push(undecodable(err, where));
    return -1;
  }
}

/**
 * An answer that did not decode, as the namespace's error (the snapshot reports it). The kernel's
 * refusal or a malformed answer is the expected kind (debug: it recurs per namespace and scan);
 * anything else is a decoder bug, logged (rate-limited) as well.
 */
function undecodable(err: unknown, where: string): string {
  if (err instanceof NetlinkError || err instanceof MalformedNetlinkError) logger().debug({ where, err: errorFields(err) }, "netlink answer not decoded");
  else logUnexpected("decoding a netlink answer", err, { where });
  return err instanceof Error ? err.message : String(err);
}
