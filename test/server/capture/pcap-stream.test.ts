import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PcapFormatError, PcapStreamReader, type PcapRecord } from "../../../server/capture/pcap-stream";

/** A classic pcap stream as tcpdump -w - writes it. */
function pcap(
  records: Array<{ sec: number; frac: number; data: Buffer; orig?: number }>,
  options: { littleEndian: boolean; nano: boolean; linktype?: number },
): Buffer {
  const { littleEndian, nano } = options;
  const u32 = (b: Buffer, v: number, o: number) => (littleEndian ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const u16 = (b: Buffer, v: number, o: number) => (littleEndian ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const header = Buffer.alloc(24);
  u32(header, nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(header, 2, 4);
  u16(header, 4, 6);
  u32(header, 262144, 16);
  u32(header, options.linktype ?? 1, 20);
  const parts: Buffer[] = [header];
  for (const r of records) {
    const h = Buffer.alloc(16);
    u32(h, r.sec, 0);
    u32(h, r.frac, 4);
    u32(h, r.data.length, 8);
    u32(h, r.orig ?? r.data.length, 12);
    parts.push(h, r.data);
  }
  return Buffer.concat(parts);
}

function feed(bytes: Buffer, cuts: number[]): { reader: PcapStreamReader; records: PcapRecord[] } {
  const reader = new PcapStreamReader();
  const records: PcapRecord[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b).concat(bytes.length)) {
    records.push(...reader.push(bytes.subarray(at, cut)));
    at = cut;
  }
  return { reader, records };
}

describe("PcapStreamReader", () => {
  it("reads the header and records of every byte order and resolution, whatever the chunks", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.record({ sec: fc.nat(2 ** 31), frac: fc.nat(999_999), data: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 20 }),
        fc.array(fc.nat(8000), { maxLength: 30 }),
        (littleEndian, nano, records, cuts) => {
          const bytes = pcap(
            records.map((r) => ({ ...r, data: Buffer.from(r.data) })),
            { littleEndian, nano },
          );
          const { reader, records: out } = feed(bytes, cuts);
          expect(reader.header).toEqual({ linktype: 1, snaplen: 262144, tsResolution: nano ? 9 : 6 });
          expect(reader.bufferedBytes).toBe(0);
          expect(out.map((r) => [r.timestampNs, r.data.toString("hex")])).toEqual(
            records.map((r) => [BigInt(r.sec) * 1_000_000_000n + BigInt(r.frac) * (nano ? 1n : 1000n), Buffer.from(r.data).toString("hex")]),
          );
        },
      ),
    );
  });

  it("keeps the original length and masks the FCS bits of the link type", () => {
    const bytes = pcap([{ sec: 1, frac: 2, data: Buffer.from("abcd"), orig: 1500 }], { littleEndian: true, nano: true, linktype: 0x1000_0001 });
    const { reader, records } = feed(bytes, []);
    expect(reader.header?.linktype).toBe(1);
    expect(records[0]?.originalLength).toBe(1500);
  });

  it("holds an unfinished record until the rest arrives, and says it holds it", () => {
    const bytes = pcap([{ sec: 1, frac: 0, data: Buffer.alloc(100, 7) }], { littleEndian: true, nano: false });
    const reader = new PcapStreamReader();
    expect(reader.push(bytes.subarray(0, 60))).toEqual([]);
    expect(reader.bufferedBytes).toBe(36);
    expect(reader.push(bytes.subarray(60))).toHaveLength(1);
    expect(reader.bufferedBytes).toBe(0);
  });

  it("refuses what is not a pcap stream, or a record longer than any snaplen", () => {
    expect(() => new PcapStreamReader().push(Buffer.alloc(24, 1))).toThrow(PcapFormatError);
    const bytes = pcap([{ sec: 1, frac: 0, data: Buffer.alloc(4) }], { littleEndian: true, nano: false });
    bytes.writeUInt32LE(10_000_000, 24 + 8);
    expect(() => new PcapStreamReader().push(bytes)).toThrow(/corrupt/);
  });
});
