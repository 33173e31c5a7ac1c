/**
 * A streaming reader of the classic pcap format that `tcpdump -w -` writes: a 24-byte global header,
 * then records of a 16-byte header and the packet's bytes. Bytes go in as they arrive, in chunks of
 * any size; complete records come out. Both byte orders and both timestamp resolutions (microseconds,
 * magic a1b2c3d4; nanoseconds, a1b23c4d) are read. See https://www.tcpdump.org/manpages/pcap-savefile.5.html.
 */

export interface PcapHeader {
  /** LINKTYPE_* (the low 16 bits of the header's network field; the rest carries FCS information). */
  linktype: number;
  snaplen: number;
  /** 6 (microseconds) or 9 (nanoseconds). */
  tsResolution: 6 | 9;
}

export interface PcapRecord {
  /** Nanoseconds since the epoch, whatever the file's resolution. */
  timestampNs: bigint;
  /** The length on the wire; `data` holds at most snaplen bytes of it. */
  originalLength: number;
  data: Buffer;
}

export class PcapFormatError extends Error {
  override readonly name = "PcapFormatError";
}

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
/** tcpdump's largest snaplen: a record longer than this and the header's snaplen is a corrupt stream, not a packet. */
const MAX_SNAPLEN = 262_144;

const MAGIC: Record<number, { littleEndian: boolean; tsResolution: 6 | 9 }> = {
  0xd4c3b2a1: { littleEndian: true, tsResolution: 6 },
  0x4d3cb2a1: { littleEndian: true, tsResolution: 9 },
  0xa1b2c3d4: { littleEndian: false, tsResolution: 6 },
  0xa1b23c4d: { littleEndian: false, tsResolution: 9 },
};

export class PcapStreamReader {
  private pending: Buffer = Buffer.alloc(0);
  private littleEndian = true;
  private headerRead: PcapHeader | undefined;

  /** The global header, once its 24 bytes have arrived. */
  get header(): PcapHeader | undefined {
    return this.headerRead;
  }

  /** Bytes received but not yet part of a whole record (a stream that ends with some left was cut mid-record). */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** Takes the next chunk; returns the records it completed (the header is read on the way and kept in `header`). */
  push(chunk: Buffer): PcapRecord[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const records: PcapRecord[] = [];
    let offset = 0;
    if (this.headerRead === undefined) {
      if (this.pending.length < GLOBAL_HEADER) return records;
      this.headerRead = this.readHeader(this.pending);
      offset = GLOBAL_HEADER;
    }
    const snaplen = this.headerRead.snaplen;
    const scale = this.headerRead.tsResolution === 9 ? 1n : 1000n;
    while (this.pending.length - offset >= RECORD_HEADER) {
      const seconds = this.u32(offset);
      const fraction = this.u32(offset + 4);
      const capturedLength = this.u32(offset + 8);
      const originalLength = this.u32(offset + 12);
      if (capturedLength > Math.max(snaplen, MAX_SNAPLEN)) {
        throw new PcapFormatError(`a record claims ${capturedLength} bytes (snaplen ${snaplen}): the stream is corrupt`);
      }
      if (this.pending.length - offset - RECORD_HEADER < capturedLength) break;
      const start = offset + RECORD_HEADER;
      // A copy: the chunk it came from is released once every record is out.
      const data = Buffer.from(this.pending.subarray(start, start + capturedLength));
      records.push({ timestampNs: BigInt(seconds) * 1_000_000_000n + BigInt(fraction) * scale, originalLength, data });
      offset = start + capturedLength;
    }
    this.pending = offset === this.pending.length ? Buffer.alloc(0) : Buffer.from(this.pending.subarray(offset));
    return records;
  }

  private readHeader(bytes: Buffer): PcapHeader {
    const magic = MAGIC[bytes.readUInt32BE(0)];
    if (magic === undefined) throw new PcapFormatError(`not a pcap stream (magic ${bytes.subarray(0, 4).toString("hex")})`);
    this.littleEndian = magic.littleEndian;
    const major = this.littleEndian ? bytes.readUInt16LE(4) : bytes.readUInt16BE(4);
    if (major !== 2) throw new PcapFormatError(`pcap version ${major} is not 2`);
    return { snaplen: this.u32From(bytes, 16), linktype: this.u32From(bytes, 20) & 0xffff, tsResolution: magic.tsResolution };
  }

  private u32(offset: number): number {
    return this.u32From(this.pending, offset);
  }

  private u32From(bytes: Buffer, offset: number): number {
    return this.littleEndian ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset);
  }
}
