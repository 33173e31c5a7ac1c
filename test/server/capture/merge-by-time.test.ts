import { describe, expect, it } from "vitest";
import { TimeMerger } from "../../../server/capture/merge-by-time";

const at = (ns: number) => ({ timestampNs: BigInt(ns) });
const order = (out: Array<{ source: number; item: { timestampNs: bigint } }>) => out.map((o) => `${o.source}:${o.item.timestampNs}`);

describe("TimeMerger", () => {
  it("lets a single stream through as it comes", () => {
    const merger = new TimeMerger(1, 100, () => 0);
    merger.push(0, at(5));
    merger.push(0, at(7));
    expect(order(merger.take())).toEqual(["0:5", "0:7"]);
  });

  it("interleaves by timestamp once every live stream has something held", () => {
    let now = 0;
    const merger = new TimeMerger(2, 100, () => now);
    merger.push(0, at(10));
    merger.push(0, at(30));
    expect(merger.take()).toEqual([]);
    merger.push(1, at(20));
    // 10 goes (both hold something), then 20, then 30 waits: stream 1 may still send something before 30.
    expect(order(merger.take())).toEqual(["0:10", "1:20"]);
    now = 99;
    expect(merger.take()).toEqual([]);
    expect(merger.nextDueInMs()).toBe(1);
    now = 100;
    expect(order(merger.take())).toEqual(["0:30"]);
    expect(merger.late).toBe(0);
  });

  it("does not wait for a stream that ended", () => {
    const merger = new TimeMerger(2, 100, () => 0);
    merger.push(0, at(1));
    merger.end(1);
    expect(order(merger.take())).toEqual(["0:1"]);
  });

  it("writes a packet later than the window out of order, and counts it", () => {
    let now = 0;
    const merger = new TimeMerger(2, 100, () => now);
    merger.push(0, at(50));
    now = 150;
    expect(order(merger.take())).toEqual(["0:50"]);
    merger.push(1, at(40));
    merger.end(0);
    expect(order(merger.take())).toEqual(["1:40"]);
    expect(merger.late).toBe(1);
  });

  it("flushes everything in order at the end", () => {
    const merger = new TimeMerger(3, 100, () => 0);
    merger.push(2, at(3));
    merger.push(0, at(2));
    merger.push(0, at(9));
    merger.push(1, at(1));
    expect(order(merger.flush())).toEqual(["1:1", "0:2", "2:3", "0:9"]);
    expect(merger.held).toBe(0);
  });
});
