/**
 * The main thread's checks of the reader worker's replies (reader-replies.ts): well-formed replies, as
 * the worker posts them (bytes as ArrayBuffers, here recorded from the lab), come out with Buffers;
 * anything else is refused.
 */
import { describe, expect, it } from "vitest";
import type { AskResult, DiagResult, ReadResult } from "../../../server/collect/reader-protocol";
import { toAskResult, toDiagResult, toReadResult, toReplyBatch } from "../../../server/collect/reader-replies";
import { loadListeners, loadReading } from "./fixtures";

/** The bytes as the worker transfers them. */
const wire = (b: Buffer): ArrayBuffer => Uint8Array.from(b).buffer;

const { result, counters } = loadReading("ip_netns_lab_a");
const [links, addresses, routes] = result.answers;
const full: Extract<ReadResult<ArrayBuffer>, { kind: "full" }> = {
  id: result.id,
  ok: true,
  kind: "full",
  answers: [wire(links), wire(addresses), wire(routes)],
  hostIdHere: wire(result.hostIdHere),
  reading: "w1-1",
};

describe("toReadResult", () => {
  it("passes a full reading, with and without a reading name, its bytes unchanged", () => {
    const checked = toReadResult(full);
    expect(checked).toEqual({ ...result, reading: "w1-1" });
    const { reading: _, ...unnamed } = full;
    expect(toReadResult(unnamed)).not.toHaveProperty("reading");
  });

  it("passes counters only, and a failure", () => {
    expect(counters).toBeDefined();
    const wired: ReadResult<ArrayBuffer> = {
      id: result.id,
      ok: true,
      kind: "counters",
      counters: wire(counters?.counters ?? Buffer.alloc(0)),
      reading: "w1-1",
    };
    expect(toReadResult(wired)).toEqual({ ...counters, reading: "w1-1" });
    const failure: ReadResult<ArrayBuffer> = { id: "1", ok: false, stage: "setns", errno: 1 };
    expect(toReadResult(failure)).toEqual(failure);
  });

  it("refuses anything else", () => {
    const malformed: unknown[] = [
      null,
      { ...full, id: 1 },
      { ...full, kind: undefined },
      { ...full, answers: full.answers.slice(0, 2) },
      { ...full, answers: [links, addresses, routes] },
      { ...full, hostIdHere: undefined },
      { ...full, reading: 7 },
      { id: "1", ok: true, kind: "counters", counters: wire(links) },
      { id: "1", ok: false, stage: "setns" },
    ];
    for (const raw of malformed) expect(() => toReadResult(raw), JSON.stringify(raw)).toThrow(TypeError);
  });
});

describe("toDiagResult and toAskResult", () => {
  const { answers } = loadListeners();

  it("pass well-formed results, bytes as Buffers", () => {
    expect(answers.length).toBeGreaterThan(0);
    const diag: DiagResult<ArrayBuffer> = { id: "1", ok: true, answers: answers.map(wire) };
    expect(toDiagResult(diag)).toEqual({ id: "1", ok: true, answers });
    const ask: AskResult<ArrayBuffer> = { id: "1", ok: true, answers: [{ id: "2", answer: wire(result.hostIdHere) }] };
    expect(toAskResult(ask)).toEqual({ id: "1", ok: true, answers: [{ id: "2", answer: result.hostIdHere }] });
    expect(toAskResult({ id: "1", ok: false, stage: "open", errno: 2, answers: [] })).toEqual({ id: "1", ok: false, stage: "open", errno: 2, answers: [] });
  });

  it("refuse bytes that are not an ArrayBuffer, and failures without their errno", () => {
    expect(() => toDiagResult({ id: "1", ok: true, answers })).toThrow();
    expect(() => toDiagResult({ id: "1", ok: false, stage: "open" })).toThrow();
    expect(() => toAskResult({ id: "1", ok: true, answers: [{ id: "2", answer: result.hostIdHere }] })).toThrow();
  });
});

describe("toReplyBatch", () => {
  it("passes a batch and its watch report, and refuses one without its request id", () => {
    const batch = { requestId: 3, results: [full], done: true, watchUnavailable: { stage: "NETLINK_LISTEN_ALL_NSID", errno: 1 } };
    expect(toReplyBatch(batch)).toEqual(batch);
    expect(() => toReplyBatch({ results: [], done: true })).toThrow();
  });
});
