import {
  AF,
  IF_STATS_MSG_LEN,
  IFINFOMSG_LEN,
  IFADDRMSG_LEN,
  IFLA,
  IFLA_STATS_LINK_64,
  NETNSA,
  NLM_F,
  NLMSGHDR_LEN,
  RTATTR_HDR_LEN,
  RTEXT_FILTER_SKIP_STATS,
  RTEXT_FILTER_VF,
  RTGENMSG_LEN,
  RTM,
  RTMSG_LEN,
} from "./netlink-constants";
import type { NsidByFd } from "./reader-protocol";

/**
 * Request messages for the reader worker, built on the main thread; the worker only stamps each with
 * its sequence number (and, for RTM_GETNSID by fd, the fd) through the helpers at the end.
 */
function message(type: number, flags: number, bodyLen: number, attrs: Array<[type: number, value: number]> = []): Buffer {
  const len = NLMSGHDR_LEN + bodyLen + attrs.length * (RTATTR_HDR_LEN + 4);
  const buf = Buffer.alloc(len);
  buf.writeUInt32LE(len, 0);
  buf.writeUInt16LE(type, 4);
  buf.writeUInt16LE(flags, 6);
  let off = NLMSGHDR_LEN + bodyLen;
  for (const [attrType, value] of attrs) {
    buf.writeUInt16LE(RTATTR_HDR_LEN + 4, off);
    buf.writeUInt16LE(attrType, off + 2);
    buf.writeInt32LE(value, off + 4);
    off += RTATTR_HDR_LEN + 4;
  }
  return buf;
}

/** RTM_GETLINK dump with 64-bit statistics; VF info and IPv6 statistics filtered out (IFLA_EXT_MASK). */
export function linkDumpRequest(): Buffer {
  const buf = message(RTM.GETLINK, NLM_F.REQUEST | NLM_F.DUMP, IFINFOMSG_LEN, [[IFLA.EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS]]);
  buf.writeUInt8(AF.UNSPEC, NLMSGHDR_LEN);
  return buf;
}

/** RTM_GETSTATS dump of every interface's 64-bit counters only (~230 bytes each; a link message is 1.5–3 KB). */
export function statsDumpRequest(): Buffer {
  const buf = message(RTM.GETSTATS, NLM_F.REQUEST | NLM_F.DUMP, IF_STATS_MSG_LEN);
  buf.writeUInt32LE(1 << (IFLA_STATS_LINK_64 - 1), NLMSGHDR_LEN + 8);
  return buf;
}

/** RTM_GETADDR dump, both families. */
export function addrDumpRequest(): Buffer {
  return message(RTM.GETADDR, NLM_F.REQUEST | NLM_F.DUMP, IFADDRMSG_LEN);
}

/** RTM_GETROUTE dump of every table, both families. */
export function routeDumpRequest(): Buffer {
  return message(RTM.GETROUTE, NLM_F.REQUEST | NLM_F.DUMP, RTMSG_LEN);
}

/** RTM_GETNSID for the namespace behind a file descriptor, and where withFd() writes the fd. */
export function nsidByFdRequest(): NsidByFd<Buffer> {
  return { request: message(RTM.GETNSID, NLM_F.REQUEST, RTGENMSG_LEN, [[NETNSA.FD, -1]]), fdOffset: NLMSGHDR_LEN + RTGENMSG_LEN + RTATTR_HDR_LEN };
}

/** A copy of the RTM_GETNSID template asking about the namespace behind `fd`. */
export function withFd(template: NsidByFd<Buffer>, fd: number): Buffer {
  const request = Buffer.from(template.request);
  request.writeInt32LE(fd, template.fdOffset);
  return request;
}

export function setSequence(request: Buffer, seq: number): void {
  request.writeUInt32LE(seq, 8);
}

export function isDumpRequest(request: Buffer): boolean {
  return (request.readUInt16LE(6) & NLM_F.DUMP) === NLM_F.DUMP;
}
