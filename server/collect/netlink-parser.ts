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
 * Splits one answer (everything received for one request) into its messages, stopping at
 * NLMSG_DONE. A failed dump ends with NLMSG_DONE carrying a negative errno, and a refused request
 * with NLMSG_ERROR: both throw NetlinkError, so a failure never reads as an empty list.
 */
export function splitMessages(raw: Buffer, where: string): NetlinkMessage[] {
  const messages: NetlinkMessage[] = [];
  let off = 0;
  while (off < raw.length) {
    if (raw.length - off < NLMSGHDR_LEN) throw new MalformedNetlinkError(`${where}: ${raw.length - off} stray bytes at offset ${off}`);
    const len = raw.readUInt32LE(off);
    if (len < NLMSGHDR_LEN || off + len > raw.length)
      throw new MalformedNetlinkError(`${where}: message length ${len} at offset ${off} overruns ${raw.length} bytes`);
    const type = raw.readUInt16LE(off + 4);
    const body = raw.subarray(off + NLMSGHDR_LEN, off + len);
    if (type === NLMSG.DONE) {
      if (body.length >= 4 && body.readInt32LE(0) < 0) throw new NetlinkError(-body.readInt32LE(0), where);
      return messages;
    }
    if (type === NLMSG.ERROR) {
      if (body.length < 4) throw new MalformedNetlinkError(`${where}: short NLMSG_ERROR`);
      const errno = body.readInt32LE(0);
      if (errno !== 0) throw new NetlinkError(-errno, where);
    } else if (type !== NLMSG.NOOP) {
      messages.push({ type, flags: raw.readUInt16LE(off + 6), seq: raw.readUInt32LE(off + 8), body });
    }
    off += align4(len);
  }
  return messages;
}

/**
 * Calls `visit(type, valueStart, valueEnd)` for each attribute of buf[start, end): the hot-path walk,
 * with no allocation per attribute. Throws MalformedNetlinkError when one overruns.
 */
export function forEachAttribute(buf: Buffer, start: number, end: number, where: string, visit: (type: number, from: number, to: number) => void): void {
  let off = start;
  while (off + RTATTR_HDR_LEN <= end) {
    const len = buf.readUInt16LE(off);
    if (len < RTATTR_HDR_LEN || off + len > end)
      throw new MalformedNetlinkError(`${where}: attribute length ${len} at offset ${off - start} overruns ${end - start} bytes`);
    visit(buf.readUInt16LE(off + 2) & 0x3fff, off + RTATTR_HDR_LEN, off + len);
    off += (len + 3) & ~3;
  }
}

/** Attributes of a message body (or of a nested attribute), from `start`; keyed by type, last one wins. */
export function parseAttributes(buf: Buffer, start: number, where: string): Map<number, Buffer> {
  const attrs = new Map<number, Buffer>();
  let off = start;
  while (off + RTATTR_HDR_LEN <= buf.length) {
    const len = buf.readUInt16LE(off);
    if (len < RTATTR_HDR_LEN || off + len > buf.length)
      throw new MalformedNetlinkError(`${where}: attribute length ${len} at offset ${off} overruns ${buf.length} bytes`);
    // The top bits flag nested/byte-order; the type is the low 14 bits.
    attrs.set(buf.readUInt16LE(off + 2) & 0x3fff, buf.subarray(off + RTATTR_HDR_LEN, off + len));
    off += align4(len);
  }
  return attrs;
}

/** A NUL-terminated string attribute. */
export function attrString(value: Buffer | undefined): string | undefined {
  if (value === undefined) return undefined;
  const nul = value.indexOf(0);
  return value.toString("utf8", 0, nul === -1 ? value.length : nul);
}

export function attrU32(value: Buffer | undefined): number | undefined {
  return value !== undefined && value.length >= 4 ? value.readUInt32LE(0) : undefined;
}

export function attrS32(value: Buffer | undefined): number | undefined {
  return value !== undefined && value.length >= 4 ? value.readInt32LE(0) : undefined;
}

export function attrU8(value: Buffer | undefined): number | undefined {
  return value !== undefined && value.length >= 1 ? value.readUInt8(0) : undefined;
}

/** Big-endian u16 (e.g. a vxlan UDP port). */
export function attrU16be(value: Buffer | undefined): number | undefined {
  return value !== undefined && value.length >= 2 ? value.readUInt16BE(0) : undefined;
}
