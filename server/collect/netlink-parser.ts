import { s32le, u16le, u32le } from "./little-endian";
import { NLMSG, NLMSGHDR_LEN, RTATTR_HDR_LEN } from "./netlink-constants";

export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  /** The payload after the header (a view into the answer, not a copy). */
  body: Buffer;
}

/** A dump or request the kernel refused, with its errno (positive, like EPERM = 1). */
export class NetlinkError extends Error {
  constructor(
    readonly errno: number,
    readonly where: string,
  ) {
    super(`${where}: kernel answered errno ${errno}`);
  }
}

/** Bytes that are not a well-formed netlink stream (truncated or garbled). */
export class MalformedNetlinkError extends Error {}

const align4 = (n: number) => (n + 3) & ~3;

/**
 * The one walk over message headers: visit(offset, length, type) for each header in buf[start, end),
 * unchecked, until visit returns true. A length shorter than a header (garbled) is visited, then ends
 * the walk. Returns the offset it stopped at: the message visit stopped on, or the first byte past
 * the messages walked.
 */
export function walkMessages(buf: Buffer, start: number, end: number, visit: (off: number, len: number, type: number) => boolean | void): number {
  let off = start;
  while (off + NLMSGHDR_LEN <= end) {
    const len = u32le(buf, off);
    if (visit(off, len, u16le(buf, off + 4)) === true || len < NLMSGHDR_LEN) return off;
    off += align4(len);
  }
  return off;
}

/**
 * Walks one answer (everything received for one request) message by message, stopping at NLMSG_DONE, and calls
 * visit(type, headerOffset, bodyEnd, context) for each message that carries data (the body is answer[headerOffset +
 * NLMSGHDR_LEN, bodyEnd)). A failed dump ends with NLMSG_DONE carrying a negative errno, and a refused request with
 * NLMSG_ERROR: both throw NetlinkError, so a failure never reads as an empty list. Nothing is allocated per message.
 */
export function forEachMessage<C>(raw: Buffer, where: string, visit: (type: number, off: number, end: number, context: C) => void, context: C): void {
  const walk: MessageWalk<C> = { raw, where, visit, context, isDone: false };
  const end = walkMessages(raw, 0, raw.length, (off, len, type) => visitMessage(walk, off, len, type));
  if (!walk.isDone && end < raw.length) throw new MalformedNetlinkError(`${where}: ${raw.length - end} stray bytes at offset ${end}`);
}

interface MessageWalk<C> {
  raw: Buffer;
  where: string;
  visit: (type: number, off: number, end: number, context: C) => void;
  context: C;
  isDone: boolean;
}

function visitMessage<C>(walk: MessageWalk<C>, off: number, len: number, type: number): boolean {
  const { raw, where } = walk;
  if (len < NLMSGHDR_LEN || off + len > raw.length)
    throw new MalformedNetlinkError(`${where}: message length ${len} at offset ${off} overruns ${raw.length} bytes`);
  const bodyLen = len - NLMSGHDR_LEN;
  const body = off + NLMSGHDR_LEN;
  if (type === NLMSG.DONE) {
    if (bodyLen >= 4 && s32le(raw, body) < 0) throw new NetlinkError(-s32le(raw, body), where);
    walk.isDone = true;
    return true;
  }
  if (type === NLMSG.ERROR) {
    if (bodyLen < 4) throw new MalformedNetlinkError(`${where}: short NLMSG_ERROR`);
    const errno = s32le(raw, body);
    if (errno !== 0) throw new NetlinkError(-errno, where);
  } else if (type !== NLMSG.NOOP) {
    walk.visit(type, off, off + len, walk.context);
  }
  return false;
}

/** Splits one answer into its messages, each with a view of its body (see forEachMessage for what ends it and what throws). */
export function splitMessages(raw: Buffer, where: string): NetlinkMessage[] {
  const messages: NetlinkMessage[] = [];
  forEachMessage(raw, where, collectMessage, messages);
  function collectMessage(type: number, off: number, end: number, into: NetlinkMessage[]): void {
    into.push({ type, flags: u16le(raw, off + 6), seq: u32le(raw, off + 8), body: raw.subarray(off + NLMSGHDR_LEN, end) });
  }
  return messages;
}

/**
 * Whether buf[start, end), just received for one request, holds the message that ends its answer:
 * NLMSG_DONE, NLMSG_ERROR, the reply to a request that is not a dump (its sequence number), or a
 * garbled length (splitMessages reports it).
 */
export function endsAnswer(buf: Buffer, start: number, end: number, isDump: boolean, seq: number): boolean {
  let isEnd = false;
  walkMessages(buf, start, end, (off, len, type) => {
    isEnd = len < NLMSGHDR_LEN || type === NLMSG.DONE || type === NLMSG.ERROR || (!isDump && u32le(buf, off + 8) === seq);
    return isEnd;
  });
  return isEnd;
}

/**
 * Zeroes each message's sequence number and port id (nobody reads them past the worker), so that the
 * same kernel state gives the same bytes and the main thread can skip decoding an answer equal to the
 * previous one.
 */
export function clearSeqAndPort(answer: Buffer): void {
  walkMessages(answer, 0, answer.length, (off) => {
    // Byte stores rather than fill() or writeUInt32LE(): those validate their arguments in JS on every call, once per message.
    for (let i = off + 8; i < off + 16; i++) answer[i] = 0;
  });
}

/**
 * Calls `visit(type, valueStart, valueEnd, context)` for each attribute of buf[start, end): the hot-path walk,
 * with no allocation per attribute. Throws MalformedNetlinkError when one overruns. The decoders that run for every
 * interface on every scan pass a module-level visitor and their state as `context` rather than a closure made per
 * message: V8 drops the optimised code of such closures at each full GC and compiles them again.
 */
export function forEachAttribute<C>(
  buf: Buffer,
  start: number,
  end: number,
  where: string,
  visit: (type: number, from: number, to: number, context: C) => void,
  context: C,
): void;
export function forEachAttribute(buf: Buffer, start: number, end: number, where: string, visit: (type: number, from: number, to: number) => void): void;
export function forEachAttribute<C>(
  buf: Buffer,
  start: number,
  end: number,
  where: string,
  visit: (type: number, from: number, to: number, context: C | undefined) => void,
  context?: C,
): void {
  let off = start;
  while (off + RTATTR_HDR_LEN <= end) {
    const len = u16le(buf, off);
    if (len < RTATTR_HDR_LEN || off + len > end)
      throw new MalformedNetlinkError(`${where}: attribute length ${len} at offset ${off - start} overruns ${end - start} bytes`);
    // The top bits flag nested/byte-order; the type is the low 14 bits.
    visit(u16le(buf, off + 2) & 0x3fff, off + RTATTR_HDR_LEN, off + len, context);
    off += align4(len);
  }
}

/** The value of the attribute of `type` in buf[start, end) (the last, should there be several); every attribute is checked as forEachAttribute does. */
export function findAttribute(buf: Buffer, start: number, end: number, type: number, where: string): Buffer | undefined {
  const search: AttributeSearch = { buf, type, value: undefined };
  forEachAttribute(buf, start, end, where, visitForSearch, search);
  return search.value;
}

interface AttributeSearch {
  buf: Buffer;
  type: number;
  value: Buffer | undefined;
}

function visitForSearch(type: number, from: number, to: number, search: AttributeSearch): void {
  if (type === search.type) search.value = search.buf.subarray(from, to);
}

export function attrS32(value: Buffer | undefined): number | undefined {
  return value !== undefined && value.length >= 4 ? s32le(value, 0) : undefined;
}
