import { describe, expect, it } from "vitest";
import {
  enhancedPacketBlock,
  enhancedPacketBlockLength,
  INTERFACE_STATISTICS_BLOCK_LENGTH,
  interfaceDescriptionBlock,
  interfaceStatisticsBlock,
  sectionHeaderBlock,
} from "../../../server/capture/pcapng";
import { PcapngFormatError, readPcapng } from "../../../server/capture/pcapng-reader";

function file(): Buffer {
  return Buffer.concat([
    sectionHeaderBlock({ userAppl: "nsatlas test", os: "Linux 6.1", comment: "a capture" }),
    interfaceDescriptionBlock({ linktype: 1, snaplen: 262144, name: "shop/api-7f9/eth0", description: "netns 1 eth0", filter: "icmp" }),
    interfaceDescriptionBlock({ linktype: 113, snaplen: 96, name: "host/lo" }),
    enhancedPacketBlock(0, 1_700_000_000_123_456_789n, 98, Buffer.from("0123456789", "hex")),
    enhancedPacketBlock(1, 1_700_000_000_223_456_789n, 1500, Buffer.alloc(96, 0xab)),
    enhancedPacketBlock(0, 1_700_000_001_000_000_001n, 3, Buffer.from([1, 2, 3])),
    interfaceStatisticsBlock(0, 1_700_000_002_000_000_000n, { startNs: 1n, endNs: 2n, filterAccept: 2, osDrop: 0, delivered: 2 }),
    interfaceStatisticsBlock(1, 1_700_000_002_000_000_000n, { startNs: 1n, endNs: 2n, delivered: 1 }),
  ]);
}

describe("pcapng writer and reader", () => {
  it("round-trips the section, interfaces (name, filter, nanoseconds), packets and statistics", () => {
    const f = readPcapng(file());
    expect(f.section).toEqual({ userAppl: "nsatlas test", os: "Linux 6.1", comment: "a capture" });
    expect(f.interfaces).toEqual([
      { linktype: 1, snaplen: 262144, name: "shop/api-7f9/eth0", description: "netns 1 eth0", filter: "icmp", tsResolution: 9 },
      { linktype: 113, snaplen: 96, name: "host/lo", description: undefined, filter: undefined, tsResolution: 9 },
    ]);
    expect(f.packets.map((p) => [p.interfaceId, p.timestampNs, p.originalLength, p.data.toString("hex")])).toEqual([
      [0, 1_700_000_000_123_456_789n, 98, "0123456789"],
      [1, 1_700_000_000_223_456_789n, 1500, "ab".repeat(96)],
      [0, 1_700_000_001_000_000_001n, 3, "010203"],
    ]);
    expect(f.statistics).toEqual([
      { interfaceId: 0, startNs: 1n, endNs: 2n, filterAccept: 2n, osDrop: 0n, delivered: 2n },
      { interfaceId: 1, startNs: 1n, endNs: 2n, filterAccept: undefined, osDrop: undefined, delivered: 1n },
    ]);
  });

  it("says how long a packet's block will be, and never writes a longer statistics block than it reserves", () => {
    for (const n of [0, 1, 2, 3, 4, 5, 1500]) expect(enhancedPacketBlock(0, 0n, n, Buffer.alloc(n)).length).toBe(enhancedPacketBlockLength(n));
    const full = interfaceStatisticsBlock(0, 0n, { startNs: 0n, endNs: 0n, filterAccept: 1, osDrop: 1, delivered: 1 });
    expect(full.length).toBe(INTERFACE_STATISTICS_BLOCK_LENGTH);
  });

  it("refuses a file cut inside a block, at every cut that is not a block boundary", () => {
    const bytes = file();
    const boundaries = new Set<number>();
    for (let at = 0; at < bytes.length;) {
      boundaries.add(at);
      at += bytes.readUInt32LE(at + 4);
    }
    for (let cut = 1; cut < bytes.length; cut++) {
      if (boundaries.has(cut)) expect(() => readPcapng(bytes.subarray(0, cut))).not.toThrow();
      else expect(() => readPcapng(bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(PcapngFormatError);
    }
  });

  it("refuses a packet of an interface no IDB describes, and blocks whose lengths disagree", () => {
    const orphan = Buffer.concat([sectionHeaderBlock({ userAppl: "x" }), enhancedPacketBlock(0, 0n, 1, Buffer.from([1]))]);
    expect(() => readPcapng(orphan)).toThrow(/no earlier IDB/);
    const broken = file();
    broken.writeUInt32LE(12345, broken.length - 4);
    expect(() => readPcapng(broken)).toThrow(PcapngFormatError);
    expect(() => readPcapng(Buffer.from("not a capture at all, not at all"))).toThrow(/Section Header Block/);
  });
});
