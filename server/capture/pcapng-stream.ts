/**
 * A streaming pcapng reader: bytes go in as they arrive (chunks of any size), whole blocks come out as
 * they complete, decoded like pcapng-reader.ts decodes a file (SHB, IDB, EPB, ISB; other blocks skipped
 * by their length; either byte order; timestamps in nanoseconds whatever if_tsresol says). What an agent's
 * capture streams (server/capture/capture-session.ts) is read this way by the hub, which merges several
 * nodes' captures into one file (server/hub/capture-proxy.ts). A corrupt stream throws PcapngFormatError.
 */
import { BLOCK } from "./pcapng";
import { PcapngFormatError, type PcapngInterface, type PcapngPacket, type PcapngStatistics } from "./pcapng-reader";

export type PcapngEvent =
  | { kind: "section"; userAppl?: string; os?: string; comment?: string }
  | { kind: "interface"; interfaceId: number; iface: PcapngInterface }
  | { kind: "packet"; packet: PcapngPacket }
  | { kind: "statistics"; statistics: PcapngStatistics };

/** A block is never larger than this (a 256 KiB packet and its options): larger means a corrupt stream. */
const MAX_BLOCK = 1024 * 1024;

function toNanoseconds(ticks: bigint, resolution: number): bigint {
  if ((resolution & 0x80) !== 0) return (ticks * 1_000_000_000n) >> BigInt(resolution & 0x7f);
  return resolution <= 9 ? ticks * 10n ** BigInt(9 - resolution) : ticks / 10n ** BigInt(resolution - 9);
}

export class PcapngStreamReader {
  private pending: Buffer = Buffer.alloc(0);
  private littleEndian: boolean | undefined;
  private readonly ifaces: PcapngInterface[] = [];
  private sections = 0;

  /** The interfaces described so far, by id. */
  get interfaces(): readonly PcapngInterface[] {
    return this.ifaces;
  }

  /** Bytes received but not yet part of a whole block (a stream that ends with some left was cut mid-block). */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** Takes the next chunk; returns the blocks it completed, decoded. */
  push(chunk: Buffer): PcapngEvent[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const events: PcapngEvent[] = [];
    let offset = 0;
    for (;;) {
      if (this.littleEndian === undefined) {
        if (this.pending.length - offset < 12) break;
        if (this.pending.readUInt32LE(offset) !== BLOCK.section) throw new PcapngFormatError("not a pcapng stream: no Section Header Block first");
        const magic = this.pending.readUInt32LE(offset + 8);
        if (magic !== 0x1a2b3c4d && magic !== 0x4d3c2b1a) throw new PcapngFormatError(`unknown byte-order magic ${magic.toString(16)}`);
        this.littleEndian = magic === 0x1a2b3c4d;
      }
      if (this.pending.length - offset < 8) break;
      const type = this.u32(this.pending, offset);
      const length = this.u32(this.pending, offset + 4);
      if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK) throw new PcapngFormatError(`a block of length ${length}: the stream is corrupt`);
      if (this.pending.length - offset < length) break;
      const block = this.pending.subarray(offset, offset + length);
      if (this.u32(block, length - 4) !== length) throw new PcapngFormatError("a block's two lengths differ");
      if (type === BLOCK.section && ++this.sections > 1) throw new PcapngFormatError("more than one section: not what a capture writes");
      const event = this.decode(type, block);
      if (event !== undefined) events.push(event);
      offset += length;
    }
    this.pending = offset === this.pending.length ? Buffer.alloc(0) : Buffer.from(this.pending.subarray(offset));
    return events;
  }

  private u16(b: Buffer, offset: number): number {
    return this.littleEndian === false ? b.readUInt16BE(offset) : b.readUInt16LE(offset);
  }

  private u32(b: Buffer, offset: number): number {
    return this.littleEndian === false ? b.readUInt32BE(offset) : b.readUInt32LE(offset);
  }

  private timestamp(b: Buffer, offset: number): bigint {
    return (BigInt(this.u32(b, offset)) << 32n) | BigInt(this.u32(b, offset + 4));
  }

  private options(b: Buffer, start: number): Map<number, Buffer> {
    const found = new Map<number, Buffer>();
    const end = b.length - 4;
    let offset = start;
    while (offset + 4 <= end) {
      const code = this.u16(b, offset);
      const length = this.u16(b, offset + 2);
      if (code === 0) break;
      if (offset + 4 + length > end) throw new PcapngFormatError(`option ${code} runs past its block`);
      if (!found.has(code)) found.set(code, b.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length + ((4 - (length % 4)) % 4);
    }
    return found;
  }

  private decode(type: number, b: Buffer): PcapngEvent | undefined {
    const body = 8;
    if (type === BLOCK.section) {
      const o = this.options(b, body + 16);
      return { kind: "section", userAppl: o.get(4)?.toString("utf8"), os: o.get(3)?.toString("utf8"), comment: o.get(1)?.toString("utf8") };
    }
    if (type === BLOCK.interface) {
      const o = this.options(b, body + 8);
      const filter = o.get(11);
      const iface: PcapngInterface = {
        linktype: this.u16(b, body),
        snaplen: this.u32(b, body + 4),
        name: o.get(2)?.toString("utf8"),
        description: o.get(3)?.toString("utf8"),
        filter: filter === undefined || filter[0] !== 0 ? undefined : filter.subarray(1).toString("utf8"),
        tsResolution: o.get(9)?.[0] ?? 6,
      };
      this.ifaces.push(iface);
      return { kind: "interface", interfaceId: this.ifaces.length - 1, iface };
    }
    if (type === BLOCK.enhancedPacket) {
      const interfaceId = this.u32(b, body);
      const iface = this.ifaces[interfaceId];
      if (iface === undefined) throw new PcapngFormatError(`a packet names interface ${interfaceId}, which no earlier IDB describes`);
      const capturedLength = this.u32(b, body + 12);
      if (body + 20 + capturedLength > b.length - 4) throw new PcapngFormatError("a packet is longer than its block");
      return {
        kind: "packet",
        packet: {
          interfaceId,
          timestampNs: toNanoseconds(this.timestamp(b, body + 4), iface.tsResolution),
          originalLength: this.u32(b, body + 16),
          data: Buffer.from(b.subarray(body + 20, body + 20 + capturedLength)),
        },
      };
    }
    if (type === BLOCK.statistics) {
      const interfaceId = this.u32(b, body);
      const iface = this.ifaces[interfaceId];
      if (iface === undefined) throw new PcapngFormatError(`statistics name interface ${interfaceId}, which no earlier IDB describes`);
      const o = this.options(b, body + 12);
      const ts = (code: number) => {
        const v = o.get(code);
        return v === undefined || v.length < 8 ? undefined : toNanoseconds(this.timestamp(v, 0), iface.tsResolution);
      };
      const count = (code: number) => {
        const v = o.get(code);
        if (v === undefined || v.length < 8) return undefined;
        return this.littleEndian === false ? v.readBigUInt64BE(0) : v.readBigUInt64LE(0);
      };
      return { kind: "statistics", statistics: { interfaceId, startNs: ts(2), endNs: ts(3), filterAccept: count(6), osDrop: count(7), delivered: count(8) } };
    }
    return undefined;
  }
}
