/**
 * A small, strict pcapng reader: the blocks a capture writes (SHB, IDB, EPB, ISB; others are skipped
 * by their length) in either byte order. It refuses a file that ends inside a block or whose block
 * lengths disagree, so "it reads" means "it ended cleanly". For tests and checks, not for speed.
 */
import { BLOCK } from "./pcapng";

export class PcapngFormatError extends Error {
  override readonly name = "PcapngFormatError";
}

export interface PcapngInterface {
  linktype: number;
  snaplen: number;
  name?: string;
  description?: string;
  filter?: string;
  /** The raw if_tsresol octet (6, microseconds, when absent). */
  tsResolution: number;
}

export interface PcapngPacket {
  interfaceId: number;
  timestampNs: bigint;
  originalLength: number;
  data: Buffer;
}

export interface PcapngStatistics {
  interfaceId: number;
  startNs?: bigint;
  endNs?: bigint;
  filterAccept?: bigint;
  osDrop?: bigint;
  delivered?: bigint;
}

export interface PcapngFile {
  /** shb_userappl, shb_os and the SHB's comment. */
  section: { userAppl?: string; os?: string; comment?: string };
  interfaces: PcapngInterface[];
  packets: PcapngPacket[];
  statistics: PcapngStatistics[];
}

type Options = Map<number, Buffer[]>;

class View {
  constructor(
    readonly bytes: Buffer,
    readonly littleEndian: boolean,
  ) {}

  u16(offset: number): number {
    return this.littleEndian ? this.bytes.readUInt16LE(offset) : this.bytes.readUInt16BE(offset);
  }

  u32(offset: number): number {
    return this.u32From(this.bytes, offset);
  }

  u32From(buffer: Buffer, offset: number): number {
    return this.littleEndian ? buffer.readUInt32LE(offset) : buffer.readUInt32BE(offset);
  }

  u64(buffer: Buffer): bigint {
    return this.littleEndian ? buffer.readBigUInt64LE(0) : buffer.readBigUInt64BE(0);
  }

  /** A pcapng timestamp: high and low 32 bits. */
  timestamp(offset: number): bigint {
    return (BigInt(this.u32(offset)) << 32n) | BigInt(this.u32(offset + 4));
  }
}

function readOptions(view: View, start: number, end: number): Options {
  const found: Options = new Map();
  let offset = start;
  while (offset + 4 <= end) {
    const code = view.u16(offset);
    const length = view.u16(offset + 2);
    if (code === 0) break;
    const valueEnd = offset + 4 + length;
    if (valueEnd > end) throw new PcapngFormatError(`option ${code} runs past its block`);
    found.set(code, [...(found.get(code) ?? []), view.bytes.subarray(offset + 4, valueEnd)]);
    offset = valueEnd + ((4 - (length % 4)) % 4);
  }
  return found;
}

const text = (o: Options, code: number) => o.get(code)?.[0]?.toString("utf8");

/** Ticks of `resolution` (the if_tsresol octet) as nanoseconds. */
function toNanoseconds(ticks: bigint, resolution: number): bigint {
  if ((resolution & 0x80) !== 0) return (ticks * 1_000_000_000n) >> BigInt(resolution & 0x7f);
  return resolution <= 9 ? ticks * 10n ** BigInt(9 - resolution) : ticks / 10n ** BigInt(resolution - 9);
}

export function readPcapng(bytes: Buffer): PcapngFile {
  if (bytes.length < 28 || bytes.readUInt32LE(0) !== BLOCK.section) throw new PcapngFormatError("not a pcapng file: no Section Header Block first");
  const magic = bytes.readUInt32LE(8);
  if (magic !== 0x1a2b3c4d && magic !== 0x4d3c2b1a) throw new PcapngFormatError(`unknown byte-order magic ${magic.toString(16)}`);
  const view = new View(bytes, magic === 0x1a2b3c4d);
  const file: PcapngFile = { section: {}, interfaces: [], packets: [], statistics: [] };
  let offset = 0;
  let sections = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 12) throw new PcapngFormatError(`the file ends inside a block header at byte ${offset}`);
    const type = view.u32(offset);
    const length = view.u32(offset + 4);
    if (length < 12 || length % 4 !== 0) throw new PcapngFormatError(`block at byte ${offset} has length ${length}`);
    if (offset + length > bytes.length) throw new PcapngFormatError(`the file ends inside a block at byte ${offset} (type ${type}, ${length} bytes)`);
    if (view.u32(offset + length - 4) !== length) throw new PcapngFormatError(`block at byte ${offset}: its two lengths differ`);
    const body = offset + 8;
    const end = offset + length - 4;
    if (type === BLOCK.section) {
      sections += 1;
      if (sections > 1) throw new PcapngFormatError("more than one section: not what a capture writes");
      const o = readOptions(view, body + 16, end);
      file.section = { userAppl: text(o, 4), os: text(o, 3), comment: text(o, 1) };
    } else if (type === BLOCK.interface) {
      const o = readOptions(view, body + 8, end);
      const filter = o.get(11)?.[0];
      file.interfaces.push({
        linktype: view.u16(body),
        snaplen: view.u32(body + 4),
        name: text(o, 2),
        description: text(o, 3),
        filter: filter === undefined || filter[0] !== 0 ? undefined : filter.subarray(1).toString("utf8"),
        tsResolution: o.get(9)?.[0]?.[0] ?? 6,
      });
    } else if (type === BLOCK.enhancedPacket) {
      const interfaceId = view.u32(body);
      const iface = file.interfaces[interfaceId];
      if (iface === undefined) throw new PcapngFormatError(`a packet names interface ${interfaceId}, which no earlier IDB describes`);
      const capturedLength = view.u32(body + 12);
      if (body + 20 + capturedLength > end) throw new PcapngFormatError(`packet at byte ${offset} is longer than its block`);
      file.packets.push({
        interfaceId,
        timestampNs: toNanoseconds(view.timestamp(body + 4), iface.tsResolution),
        originalLength: view.u32(body + 16),
        data: Buffer.from(bytes.subarray(body + 20, body + 20 + capturedLength)),
      });
    } else if (type === BLOCK.statistics) {
      const interfaceId = view.u32(body);
      const iface = file.interfaces[interfaceId];
      if (iface === undefined) throw new PcapngFormatError(`statistics name interface ${interfaceId}, which no earlier IDB describes`);
      const o = readOptions(view, body + 12, end);
      const ts = (code: number) => {
        const v = o.get(code)?.[0];
        return v === undefined ? undefined : toNanoseconds((BigInt(view.u32From(v, 0)) << 32n) | BigInt(view.u32From(v, 4)), iface.tsResolution);
      };
      const count = (code: number) => {
        const v = o.get(code)?.[0];
        return v === undefined ? undefined : view.u64(v);
      };
      file.statistics.push({ interfaceId, startNs: ts(2), endNs: ts(3), filterAccept: count(6), osDrop: count(7), delivered: count(8) });
    }
    offset += length;
  }
  return file;
}
