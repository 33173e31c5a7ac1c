/**
 * The pcapng blocks a capture writes (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html):
 * one Section Header Block, one Interface Description Block per source (name, description, filter,
 * nanosecond timestamps), Enhanced Packet Blocks, and an Interface Statistics Block per source at the
 * end. Little-endian, as the SHB's byte-order magic says. Pure functions returning whole blocks, so a
 * file cut anywhere between two of them is still a valid file.
 */

export const BLOCK = { section: 0x0a0d0d0a, interface: 1, statistics: 5, enhancedPacket: 6 } as const;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_OS = 3;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_FILTER = 11;
const ISB_STARTTIME = 2;
const ISB_ENDTIME = 3;
const ISB_FILTERACCEPT = 6;
const ISB_OSDROP = 7;
const ISB_USRDELIV = 8;

/** Every interface this writer describes counts time in nanoseconds (if_tsresol 9). */
export const TS_RESOLUTION = 9;

export interface InterfaceDescription {
  linktype: number;
  snaplen: number;
  /** if_name, e.g. "shop/api-7f9/eth0". */
  name: string;
  /** if_description, e.g. "netns 4026532123 ifindex 7". */
  description?: string;
  /** if_filter: the pcap-filter expression the capture ran with. */
  filter?: string;
}

export interface InterfaceStatistics {
  startNs: bigint;
  endNs: bigint;
  /** Packets the filter accepted (tcpdump's "received by filter"). */
  filterAccept?: number;
  /** Packets the kernel dropped (tcpdump's "dropped by kernel"). */
  osDrop?: number;
  /** Packets written to the file for this interface. */
  delivered: number;
}

const pad4 = (n: number) => (4 - (n % 4)) % 4;

function option(code: number, value: Buffer): Buffer {
  const out = Buffer.alloc(4 + value.length + pad4(value.length));
  out.writeUInt16LE(code, 0);
  out.writeUInt16LE(value.length, 2);
  value.copy(out, 4);
  return out;
}

/** A UTF-8 option, cut to what a 16-bit length allows. */
const textOption = (code: number, text: string) => option(code, Buffer.from(text, "utf8").subarray(0, 0xfff0));

function u64(value: bigint | number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt(value));
  return out;
}

function options(list: Buffer[]): Buffer {
  return list.length === 0 ? Buffer.alloc(0) : Buffer.concat([...list, option(OPT_END, Buffer.alloc(0))]);
}

/** Type, total length, body (padded), total length again. */
function block(type: number, body: Buffer): Buffer {
  const length = 12 + body.length + pad4(body.length);
  const out = Buffer.alloc(length);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(length, 4);
  body.copy(out, 8);
  out.writeUInt32LE(length, length - 4);
  return out;
}

export function sectionHeaderBlock(meta: { userAppl: string; os?: string; comment?: string }): Buffer {
  const fixed = Buffer.alloc(16);
  fixed.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
  fixed.writeUInt16LE(1, 4);
  fixed.writeUInt16LE(0, 6);
  // Section length unknown (-1): the file is written as it is captured.
  fixed.writeBigInt64LE(-1n, 8);
  const opts = [
    ...(meta.comment === undefined ? [] : [textOption(OPT_COMMENT, meta.comment)]),
    ...(meta.os === undefined ? [] : [textOption(SHB_OS, meta.os)]),
    textOption(SHB_USERAPPL, meta.userAppl),
  ];
  return block(BLOCK.section, Buffer.concat([fixed, options(opts)]));
}

export function interfaceDescriptionBlock(i: InterfaceDescription): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16LE(i.linktype & 0xffff, 0);
  fixed.writeUInt32LE(i.snaplen, 4);
  const opts = [
    textOption(IF_NAME, i.name),
    ...(i.description === undefined ? [] : [textOption(IF_DESCRIPTION, i.description)]),
    option(IF_TSRESOL, Buffer.from([TS_RESOLUTION])),
    // The first octet says what follows: 0 is a libpcap filter string.
    ...(i.filter === undefined || i.filter === ""
      ? []
      : [option(IF_FILTER, Buffer.concat([Buffer.from([0]), Buffer.from(i.filter, "utf8").subarray(0, 0xfff0)]))]),
  ];
  return block(BLOCK.interface, Buffer.concat([fixed, options(opts)]));
}

function timestamp(ns: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32LE(Number((ns >> 32n) & 0xffff_ffffn), 0);
  out.writeUInt32LE(Number(ns & 0xffff_ffffn), 4);
  return out;
}

/** The size of the EPB for `capturedLength` bytes of packet, without building it. */
export const enhancedPacketBlockLength = (capturedLength: number): number => 32 + capturedLength + pad4(capturedLength);

export function enhancedPacketBlock(interfaceId: number, timestampNs: bigint, originalLength: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(20);
  fixed.writeUInt32LE(interfaceId, 0);
  timestamp(timestampNs).copy(fixed, 4);
  fixed.writeUInt32LE(data.length, 12);
  fixed.writeUInt32LE(originalLength, 16);
  return block(BLOCK.enhancedPacket, Buffer.concat([fixed, data]));
}

/** The size of an ISB as interfaceStatisticsBlock writes it (every option present), for keeping room under a cap. */
export const INTERFACE_STATISTICS_BLOCK_LENGTH = 12 + 12 + 5 * 12 + 4;

export function interfaceStatisticsBlock(interfaceId: number, nowNs: bigint, s: InterfaceStatistics): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt32LE(interfaceId, 0);
  timestamp(nowNs).copy(fixed, 4);
  const opts = [
    option(ISB_STARTTIME, timestamp(s.startNs)),
    option(ISB_ENDTIME, timestamp(s.endNs)),
    ...(s.filterAccept === undefined ? [] : [option(ISB_FILTERACCEPT, u64(s.filterAccept))]),
    ...(s.osDrop === undefined ? [] : [option(ISB_OSDROP, u64(s.osDrop))]),
    option(ISB_USRDELIV, u64(s.delivered)),
  ];
  return block(BLOCK.statistics, Buffer.concat([fixed, options(opts)]));
}
