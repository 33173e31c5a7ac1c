/**
 * The pcapng stream reader (server/capture/pcapng-stream.ts) read against the file reader at every cut, and the hub's
 * merge of several nodes' capture files into one (server/hub/capture-proxy.ts): IDBs renamed "<node>/<name>", packets in
 * timestamp order, statistics per interface, the byte cap, and a client that leaves cancelling every node's stream.
 */
import { describe, expect, it } from "vitest";
import { enhancedPacketBlock, interfaceDescriptionBlock, interfaceStatisticsBlock, sectionHeaderBlock } from "../../../server/capture/pcapng";
import { readPcapng } from "../../../server/capture/pcapng-reader";
import { PcapngStreamReader, type PcapngEvent } from "../../../server/capture/pcapng-stream";
import { clusterCaptureRequestSchema, mergeNodeCaptures, type MergeOutcome } from "../../../server/hub/capture-proxy";

process.env.NSATLAS_LOG_LEVEL = "silent";

function nodeFile(names: string[], packets: Array<{ iface: number; ns: bigint; data: string }>): Buffer {
  return Buffer.concat([
    sectionHeaderBlock({ userAppl: "nsatlas test", os: "Linux 6", comment: "a node" }),
    ...names.map((name) => interfaceDescriptionBlock({ linktype: 1, snaplen: 262144, name, description: `netns 1, ${name}`, filter: "icmp" })),
    ...packets.map((p) => enhancedPacketBlock(p.iface, p.ns, p.data.length + 10, Buffer.from(p.data))),
    ...names.map((_, i) => interfaceStatisticsBlock(i, 5n, { startNs: 1n, endNs: 4n, filterAccept: 7, osDrop: 1, delivered: 2 })),
  ]);
}

function streamOf(chunks: Buffer[], onCancel?: () => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      const chunk = chunks[i++];
      if (chunk === undefined) c.close();
      else c.enqueue(new Uint8Array(chunk));
    },
    cancel() {
      onCancel?.();
    },
  });
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(body).arrayBuffer());
}

describe("PcapngStreamReader", () => {
  const file = nodeFile(
    ["host/eth0", "pod/eth0"],
    [
      { iface: 0, ns: 1_000_000_001n, data: "a" },
      { iface: 1, ns: 1_000_000_002n, data: "bb" },
    ],
  );

  it("reads at every cut what the file reader reads", () => {
    const whole = readPcapng(file);
    for (let cut = 0; cut <= file.length; cut++) {
      const reader = new PcapngStreamReader();
      const events: PcapngEvent[] = [...reader.push(file.subarray(0, cut)), ...reader.push(file.subarray(cut))];
      expect(reader.bufferedBytes).toBe(0);
      expect(events.filter((e) => e.kind === "interface").map((e) => (e.kind === "interface" ? e.iface : undefined))).toEqual(whole.interfaces);
      expect(events.flatMap((e) => (e.kind === "packet" ? [e.packet] : []))).toEqual(whole.packets);
      expect(events.flatMap((e) => (e.kind === "statistics" ? [e.statistics] : []))).toEqual(whole.statistics);
    }
  });

  it("refuses what is not pcapng, and a second section", () => {
    expect(() => new PcapngStreamReader().push(Buffer.from("not a pcapng file, not at all"))).toThrow(/not a pcapng stream/);
    expect(() => new PcapngStreamReader().push(Buffer.concat([file, file]))).toThrow(/more than one section/);
  });
});

describe("mergeNodeCaptures", () => {
  it("merges two nodes into one file: IDBs named with the node, packets interleaved by time, statistics per interface", async () => {
    const one = nodeFile(
      ["shop/a/eth0"],
      [
        { iface: 0, ns: 10n, data: "1" },
        { iface: 0, ns: 30n, data: "3" },
      ],
    );
    const three = nodeFile(
      ["shop/b/eth0", "host/vxlan0"],
      [
        { iface: 1, ns: 20n, data: "2" },
        { iface: 0, ns: 40n, data: "4" },
      ],
    );
    let outcome: MergeOutcome | undefined;
    const merged = mergeNodeCaptures(
      [
        { node: "node-1", interfaces: 1, body: streamOf([one.subarray(0, 50), one.subarray(50)]) },
        { node: "node-3", interfaces: 2, body: streamOf([three]) },
      ],
      { comment: "test" },
      (o) => (outcome = o),
    );
    const file = readPcapng(await readAll(merged));
    expect(file.interfaces.map((i) => [i.name, i.description, i.filter])).toEqual([
      ["node-1/shop/a/eth0", "node node-1, netns 1, shop/a/eth0", "icmp"],
      ["node-3/shop/b/eth0", "node node-3, netns 1, shop/b/eth0", "icmp"],
      ["node-3/host/vxlan0", "node node-3, netns 1, host/vxlan0", "icmp"],
    ]);
    expect(file.packets.map((p) => [p.interfaceId, Number(p.timestampNs), p.data.toString()])).toEqual([
      [0, 10, "1"],
      [2, 20, "2"],
      [0, 30, "3"],
      [1, 40, "4"],
    ]);
    expect(file.statistics.map((s) => [s.interfaceId, s.filterAccept, s.osDrop, s.delivered])).toEqual([
      [0, 7n, 1n, 2n],
      [1, 7n, 1n, 1n],
      [2, 7n, 1n, 1n],
    ]);
    expect(outcome).toMatchObject({ endedBy: "complete", packets: 4, late: 0, errors: [] });
  });

  it("stops at the byte cap with a complete file", async () => {
    const big = nodeFile(
      ["p/eth0"],
      Array.from({ length: 50 }, (_, i) => ({ iface: 0, ns: BigInt(i), data: "x".repeat(500) })),
    );
    let outcome: MergeOutcome | undefined;
    const merged = mergeNodeCaptures([{ node: "n", interfaces: 1, body: streamOf([big]) }], { comment: "cap", maxBytes: 4000 }, (o) => (outcome = o));
    const bytes = await readAll(merged);
    expect(bytes.length).toBeLessThanOrEqual(4000);
    expect(readPcapng(bytes).packets.length).toBeGreaterThan(0);
    expect(outcome?.endedBy).toBe("byte-cap");
  });

  it("says which node's file broke, and keeps the others", async () => {
    const good = nodeFile(["a/eth0"], [{ iface: 0, ns: 1n, data: "ok" }]);
    const cut = nodeFile(["b/eth0"], [{ iface: 0, ns: 2n, data: "cut" }]);
    let outcome: MergeOutcome | undefined;
    const merged = mergeNodeCaptures(
      [
        { node: "good", interfaces: 1, body: streamOf([good]) },
        { node: "bad", interfaces: 1, body: streamOf([cut.subarray(0, cut.length - 10)]) },
      ],
      { comment: "broken" },
      (o) => (outcome = o),
    );
    const file = readPcapng(await readAll(merged));
    expect(file.interfaces.map((i) => i.name)).toEqual(["good/a/eth0", "bad/b/eth0"]);
    expect(outcome?.errors).toEqual(["node bad: its file ended inside a block"]);
  });

  it("cancels every node's stream when the client leaves", async () => {
    const cancelled: string[] = [];
    const endless = (node: string) =>
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new Uint8Array(nodeFile([`${node}/eth0`], [])));
        },
        cancel() {
          cancelled.push(node);
        },
      });
    let outcome: MergeOutcome | undefined;
    const merged = mergeNodeCaptures(
      [
        { node: "x", interfaces: 1, body: endless("x") },
        { node: "y", interfaces: 1, body: endless("y") },
      ],
      { comment: "left" },
      (o) => (outcome = o),
    );
    const reader = merged.getReader();
    await reader.read();
    await reader.cancel();
    expect(cancelled.sort()).toEqual(["x", "y"]);
    expect(outcome?.endedBy).toBe("client");
  });
});

describe("clusterCaptureRequestSchema", () => {
  it("groups the sources by node and checks each part with the one-node schema", () => {
    const parsed = clusterCaptureRequestSchema.parse({
      sources: [
        { node: "node-1", netnsId: "4026532001", iface: "eth0" },
        { node: "node-3", netnsId: "4026532002", iface: "eth0" },
        { node: "node-1", netnsId: "4026531840", iface: "vxlan0" },
      ],
      seconds: 3,
      filter: "icmp",
    });
    expect(parsed.nodes.map((n) => [n.node, n.request.target])).toEqual([
      [
        "node-1",
        {
          kind: "sources",
          sources: [
            { netnsId: "4026532001", iface: "eth0" },
            { netnsId: "4026531840", iface: "vxlan0" },
          ],
        },
      ],
      ["node-3", { kind: "sources", sources: [{ netnsId: "4026532002", iface: "eth0" }] }],
    ]);
    expect([parsed.seconds, parsed.filter, parsed.snaplen]).toEqual([3, "icmp", 262144]);
  });

  it("refuses what one node's capture refuses, and what it does not take", () => {
    const s = { node: "n", netnsId: "4026532001", iface: "eth0" };
    expect(clusterCaptureRequestSchema.safeParse({ sources: [s], seconds: 61 }).success).toBe(false);
    expect(clusterCaptureRequestSchema.safeParse({ sources: [s], filter: "(icmp" }).success).toBe(false);
    expect(clusterCaptureRequestSchema.safeParse({ sources: [s, s] }).success).toBe(false);
    expect(clusterCaptureRequestSchema.safeParse({ sources: [] }).success).toBe(false);
    expect(clusterCaptureRequestSchema.safeParse({ sources: [{ ...s, node: "" }] }).success).toBe(false);
    expect(clusterCaptureRequestSchema.safeParse({ sources: [s], pod: "a/b" }).success).toBe(false);
    expect(clusterCaptureRequestSchema.safeParse({ sources: Array.from({ length: 9 }, (_, i) => ({ ...s, iface: `e${i}` })) }).success).toBe(false);
  });
});
