/** ReadingDecoder: unchanged address and route answers are decoded once, anything else afresh (recorded lab answers). */
import { describe, expect, it } from "vitest";
import { decodeReading, ReadingDecoder } from "../../../server/collect/decode-reading";
import type { ReadResult } from "../../../server/collect/netns-reader";
import { loadReading } from "./fixtures";

type Ok = Extract<ReadResult, { ok: true }>;

function recorded(name: string): Ok {
  const { result } = loadReading(name);
  if (!result.ok) throw new Error(`${name} was recorded as a failure`);
  return result;
}

/** The same bytes in new buffers, as the worker hands over on every pass. */
const copy = (r: Ok): Ok => ({ ...r, answers: [Buffer.from(r.answers[0]), Buffer.from(r.answers[1]), Buffer.from(r.answers[2])], hostIdHere: Buffer.from(r.hostIdHere) });

describe("ReadingDecoder", () => {
  it("decodes like decodeReading", () => {
    const result = recorded("ip_netns_lab_a");
    expect(new ReadingDecoder().decode(result)).toEqual(decodeReading(result));
  });

  it("reuses the previous pass's addresses and routes when their answers are byte-equal, and decodes links anew", () => {
    const decoder = new ReadingDecoder();
    const first = decoder.decode(recorded("ip_netns_lab_a"));
    decoder.endPass();
    const second = decoder.decode(copy(recorded("ip_netns_lab_a")));
    expect(second.addresses).toBe(first.addresses);
    expect(second.routes).toBe(first.routes);
    expect(second.links).not.toBe(first.links);
    expect(second).toEqual(first);
  });

  it("decodes afresh when an answer changed", () => {
    const decoder = new ReadingDecoder();
    const a = recorded("ip_netns_lab_a");
    const first = decoder.decode(a);
    decoder.endPass();
    // Another namespace's answers under the same id: what a changed namespace looks like.
    const b = recorded("ip_netns_lab_b");
    const second = decoder.decode({ ...b, id: a.id });
    expect(second.routes).not.toBe(first.routes);
    expect(second).toEqual(decodeReading({ ...b, id: a.id }));
  });

  it("forgets a namespace missing from a pass", () => {
    const decoder = new ReadingDecoder();
    const first = decoder.decode(recorded("ip_netns_lab_a"));
    decoder.endPass();
    decoder.endPass(); // a pass in which it was not read
    expect(decoder.decode(copy(recorded("ip_netns_lab_a"))).routes).not.toBe(first.routes);
  });

  it("never remembers a failed or broken reading", () => {
    const decoder = new ReadingDecoder();
    const a = recorded("ip_netns_lab_a");
    const cut: Ok = { ...a, answers: [a.answers[0], a.answers[1].subarray(0, 30), a.answers[2]] };
    const broken = decoder.decode(cut);
    expect(broken.errors.length).toBeGreaterThan(0);
    decoder.endPass();
    expect(decoder.decode(copy(cut)).errors).toEqual(broken.errors);
    expect(decoder.decode({ id: a.id, ok: false, stage: "open", errno: 2 }).isGone).toBe(true);
  });
});
