/**
 * ReadingDecoder: unchanged address and route answers are decoded once; a counters-only answer keeps
 * the full reading's records with new counters; anything else is decoded afresh (recorded lab answers).
 */
import { describe, expect, it } from "vitest";
import { decodeReading, ReadingDecoder } from "../../../server/collect/decode-reading";
import { splitMessages } from "../../../server/collect/netlink-parser";
import type { FullReadResult, ReadResult } from "../../../server/collect/netns-reader";
import { bodyOf, decodeStats } from "../../../server/collect/rtnl-decode";
import { loadReading } from "./fixtures";

type Counters = Extract<ReadResult, { kind: "counters" }>;

function recorded(name: string): { full: FullReadResult; counters: Counters } {
  const { result, counters } = loadReading(name);
  if (counters === undefined) throw new Error(`${name} was recorded without a counters-only answer`);
  return { full: result, counters };
}

/** The same bytes in new buffers, as the worker hands over on every pass. */
const copy = (r: FullReadResult): FullReadResult => ({
  ...r,
  answers: [Buffer.from(r.answers[0]), Buffer.from(r.answers[1]), Buffer.from(r.answers[2])],
  hostIdHere: Buffer.from(r.hostIdHere),
});

describe("ReadingDecoder", () => {
  it("decodes like decodeReading", () => {
    const { full } = recorded("ip_netns_lab_a");
    expect(new ReadingDecoder().decode(full)).toEqual(decodeReading(full));
  });

  it("reuses the previous pass's addresses and routes when their answers are byte-equal, and decodes links anew", () => {
    const decoder = new ReadingDecoder();
    const first = decoder.decode(recorded("ip_netns_lab_a").full);
    decoder.endPass();
    const second = decoder.decode(copy(recorded("ip_netns_lab_a").full));
    expect(second.addresses).toBe(first.addresses);
    expect(second.routes).toBe(first.routes);
    expect(second.links).not.toBe(first.links);
    expect(second).toEqual(first);
  });

  it("decodes afresh when an answer changed", () => {
    const decoder = new ReadingDecoder();
    const a = recorded("ip_netns_lab_a").full;
    const first = decoder.decode(a);
    decoder.endPass();
    // Another namespace's answers under the same id: what a changed namespace looks like.
    const b = recorded("ip_netns_lab_b").full;
    const second = decoder.decode({ ...b, id: a.id });
    expect(second.routes).not.toBe(first.routes);
    expect(second).toEqual(decodeReading({ ...b, id: a.id }));
  });

  it("forgets a namespace missing from a pass", () => {
    const decoder = new ReadingDecoder();
    const first = decoder.decode(recorded("ip_netns_lab_a").full);
    decoder.endPass();
    decoder.endPass(); // a pass in which it was not read
    expect(decoder.known(first.id)).toBeUndefined();
    expect(decoder.decode(copy(recorded("ip_netns_lab_a").full)).routes).not.toBe(first.routes);
  });

  it("never remembers a failed or broken reading", () => {
    const decoder = new ReadingDecoder();
    const a = recorded("ip_netns_lab_a").full;
    const cut: FullReadResult = { ...a, answers: [a.answers[0], a.answers[1].subarray(0, 30), a.answers[2]] };
    const broken = decoder.decode(cut);
    expect(broken.errors.length).toBeGreaterThan(0);
    decoder.endPass();
    expect(decoder.known(a.id)).toBeUndefined();
    expect(decoder.decode(copy(cut)).errors).toEqual(broken.errors);
    expect(decoder.decode({ id: a.id, ok: false, stage: "open", errno: 2 }).isGone).toBe(true);
  });
});

describe("ReadingDecoder with counters-only answers", () => {
  it("names the full reading it holds, for the reader", () => {
    const decoder = new ReadingDecoder();
    const { full } = recorded("docker_lab_mac");
    decoder.decode(full);
    expect(decoder.known(full.id)).toBeUndefined(); // not until the pass ends
    decoder.endPass();
    expect(decoder.known(full.id)).toBe(full.reading);
  });

  it("keeps the reading's links, addresses and routes and takes each interface's counters from the answer", () => {
    const decoder = new ReadingDecoder();
    const { full, counters } = recorded("docker_lab_multi");
    const first = decoder.decode(full);
    decoder.endPass();
    const second = decoder.decode(counters);
    const fresh = new Map(
      splitMessages(counters.counters, "counters")
        .map((m) => decodeStats(bodyOf(m), "counters"))
        .map((s) => [s.ifindex, s.stats]),
    );
    expect(second.errors).toEqual([]);
    expect(second.addresses).toBe(first.addresses);
    expect(second.routes).toBe(first.routes);
    expect(second.hostNsidHere).toBe(first.hostNsidHere);
    expect(second.links.map(({ stats: _s, ...l }) => l)).toEqual(first.links.map(({ stats: _s, ...l }) => l));
    for (const l of second.links) expect(l.stats, l.name).toEqual(fresh.get(l.ifindex));
    expect(fresh.size).toBe(first.links.length);
    // The remembered records themselves are never changed.
    expect(first.links.map((l) => l.stats)).toEqual(decodeReading(full).links.map((l) => l.stats));
    decoder.endPass();
    expect(decoder.known(full.id)).toBe(full.reading); // still vouched for, pass after pass
  });

  it("refuses counters for a reading it does not hold, and forgets the namespace", () => {
    const decoder = new ReadingDecoder();
    const { full, counters } = recorded("ip_netns_lab_a");
    decoder.decode(full);
    decoder.endPass();
    const content = decoder.decode({ ...counters, reading: "another-reading" });
    expect(content.errors).toEqual([expect.stringContaining("does not hold")]);
    expect(content.links).toEqual([]);
    decoder.endPass();
    expect(decoder.known(full.id)).toBeUndefined();
  });

  it("does not trust counters that name other interfaces than the reading has", () => {
    const decoder = new ReadingDecoder();
    const a = recorded("ip_netns_lab_a");
    const multi = recorded("docker_lab_multi");
    decoder.decode(a.full);
    decoder.endPass();
    const content = decoder.decode({ ...multi.counters, id: a.full.id, reading: a.full.reading ?? "" });
    expect(content.errors).toEqual([expect.stringContaining("changed without a change event")]);
    decoder.endPass();
    expect(decoder.known(a.full.id)).toBeUndefined();
  });

  it("decodeReading alone cannot use counters: it says so instead of showing no interfaces as the truth", () => {
    const { counters } = recorded("ip_netns_lab_a");
    expect(decodeReading(counters).errors).toEqual([expect.stringContaining("counters without the reading")]);
  });
});
