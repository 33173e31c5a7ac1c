/**
 * The change watch's rules: when a namespace's last full reading still holds (counters only), and
 * the memory of readings from one scan to the next. Plain values; the one netlink input (what an
 * event datagram marks) is a link dump recorded from the lab, whose messages are laid out as events.
 */
import { describe, expect, it } from "vitest";
import { HeardChanges, isLastingFailure, isUnchanged, ReadingMemory, type Remembered, type WatchView } from "../../../server/collect/change-watch-rules";
import { ERRNO } from "../../../server/collect/describe-failure";
import { decodeReading } from "../../../server/collect/decode-reading";
import { loadReading } from "./fixtures";

const NOW = 1_000_000;
const EPOCH = 3;

/** A namespace read in full at an earlier scan: the host's id for it is `hostNsid`. */
const remembered = (reading: string, hostNsid: number, extra: Partial<Remembered> = {}): Remembered => ({
  cookie: BigInt(hostNsid + 100),
  hostNsid,
  isHome: false,
  reading,
  epoch: EPOCH,
  fullBefore: NOW + 60_000,
  ...extra,
});

function setup() {
  const before = new Map<string, Remembered>([
    ["host", remembered("r-host", -1, { isHome: true, cookie: 1n })],
    ["a", remembered("r-a", 0)],
    ["b", remembered("r-b", 1)],
    ["lonely", remembered("r-lonely", -1)],
  ]);
  const heard = new HeardChanges();
  const watch: WatchView = { epoch: EPOCH, heard };
  return { before, heard, watch };
}

const jobA = { id: "a", known: "r-a", linkedTo: [{ netnsId: "host", ifindex: 7 }] };

describe("isUnchanged", () => {
  it("vouches for a namespace the watch heard nothing of, nor of the interfaces it leads to", () => {
    const { before, watch } = setup();
    expect(isUnchanged(jobA, 100n, before, watch, NOW)).toBe(true);
    expect(isUnchanged({ id: "host", known: "r-host" }, 1n, before, watch, NOW)).toBe(true);
  });

  it("vouches for nothing without a watch, a cookie, or a reading remembered for that id", () => {
    const { before, watch } = setup();
    expect(isUnchanged(jobA, 100n, before, undefined, NOW)).toBe(false);
    expect(isUnchanged(jobA, undefined, before, watch, NOW)).toBe(false);
    expect(isUnchanged({ id: "new", known: "r-a" }, 100n, before, watch, NOW)).toBe(false);
  });

  it("reads in full when the caller holds another reading, or another namespace took the inode", () => {
    const { before, watch } = setup();
    expect(isUnchanged({ ...jobA, known: undefined }, 100n, before, watch, NOW)).toBe(false);
    expect(isUnchanged({ ...jobA, known: "r-older" }, 100n, before, watch, NOW)).toBe(false);
    expect(isUnchanged(jobA, 999n, before, watch, NOW)).toBe(false);
  });

  it("reads in full after events may have been lost (another epoch), and once the reading is due", () => {
    const { before, heard } = setup();
    expect(isUnchanged(jobA, 100n, before, { epoch: EPOCH + 1, heard }, NOW)).toBe(false);
    expect(isUnchanged(jobA, 100n, before, { epoch: EPOCH, heard }, NOW + 60_000 - 1)).toBe(true);
    expect(isUnchanged(jobA, 100n, before, { epoch: EPOCH, heard }, NOW + 60_000)).toBe(false);
  });

  it("reads in full a namespace the host has no id for: its events cannot be heard", () => {
    const { before, watch } = setup();
    expect(isUnchanged({ id: "lonely", known: "r-lonely" }, 99n, before, watch, NOW)).toBe(false);
  });

  it("reads in full a namespace with an event, and only that one", () => {
    const { before, heard, watch } = setup();
    heard.noteNamespace(0);
    expect(isUnchanged(jobA, 100n, before, watch, NOW)).toBe(false);
    expect(isUnchanged({ id: "b", known: "r-b" }, 101n, before, watch, NOW)).toBe(true);
    heard.noteNamespace(-1);
    expect(isUnchanged({ id: "host", known: "r-host" }, 1n, before, watch, NOW)).toBe(false);
  });

  it("reads in full a namespace whose link leads to an interface that had a link event elsewhere", () => {
    const { before, heard, watch } = setup();
    heard.noteLink(-1, 8);
    expect(isUnchanged(jobA, 100n, before, watch, NOW)).toBe(true);
    heard.noteLink(-1, 7);
    expect(isUnchanged(jobA, 100n, before, watch, NOW)).toBe(false);
    // The host itself had an event: only the namespaces linked to that interface are affected.
    expect(isUnchanged({ id: "b", known: "r-b", linkedTo: [{ netnsId: "a", ifindex: 7 }] }, 101n, before, watch, NOW)).toBe(true);
  });

  it("reads in full a namespace linked to one that is unknown or unheard", () => {
    const { before, watch } = setup();
    expect(isUnchanged({ ...jobA, linkedTo: [{ netnsId: "gone", ifindex: 2 }] }, 100n, before, watch, NOW)).toBe(false);
    expect(isUnchanged({ ...jobA, linkedTo: [{ netnsId: "lonely", ifindex: 2 }] }, 100n, before, watch, NOW)).toBe(false);
  });
});

describe("ReadingMemory", () => {
  const facts = { cookie: 100n, hostNsid: 0, isHome: false, epoch: EPOCH };
  const watch: WatchView = { epoch: EPOCH, heard: new HeardChanges() };

  it("names each full reading after its worker instance, and vouches for it in the next scan", () => {
    const memory = new ReadingMemory("w1", () => 0.5);
    memory.startPass();
    const first = memory.remember("a", facts, NOW, 60_000);
    const second = memory.remember("b", { ...facts, cookie: 101n, hostNsid: 1 }, NOW, 60_000);
    expect([first, second]).toEqual(["w1-1", "w1-2"]);
    // Not within the scan that read it: a scan checks against the one before.
    expect(memory.vouchFor({ id: "a", known: first }, 100n, watch, NOW)).toBeUndefined();
    memory.startPass();
    expect(memory.vouchFor({ id: "a", known: first }, 100n, watch, NOW)).toBe(first);
  });

  it("carries a vouched reading on from scan to scan, and forgets a namespace a scan did not read", () => {
    const memory = new ReadingMemory("w1", () => 0.5);
    memory.startPass();
    const reading = memory.remember("a", facts, NOW, 60_000);
    memory.remember("b", { ...facts, cookie: 101n, hostNsid: 1 }, NOW, 60_000);
    memory.startPass();
    expect(memory.vouchFor({ id: "a", known: reading }, 100n, watch, NOW)).toBe(reading);
    memory.startPass();
    expect(memory.vouchFor({ id: "a", known: reading }, 100n, watch, NOW)).toBe(reading);
    expect(memory.vouchFor({ id: "b", known: "w1-2" }, 101n, watch, NOW)).toBeUndefined();
  });

  it("forgets a reading that failed", () => {
    const memory = new ReadingMemory("w1", () => 0.5);
    memory.startPass();
    const reading = memory.remember("a", facts, NOW, 60_000);
    memory.forget("a");
    memory.startPass();
    expect(memory.vouchFor({ id: "a", known: reading }, 100n, watch, NOW)).toBeUndefined();
  });

  it("spreads due times over ±25% of the bound, so namespaces read together do not come due together", () => {
    const cases: Array<[random: number, dueIn: number]> = [
      [0, 45_000],
      [0.5, 60_000],
      [1, 75_000],
    ];
    for (const [random, dueIn] of cases) {
      const memory = new ReadingMemory("w1", () => random);
      memory.startPass();
      const reading = memory.remember("a", facts, NOW, 60_000);
      memory.startPass();
      expect(memory.vouchFor({ id: "a", known: reading }, 100n, watch, NOW + dueIn - 1), `random ${random}`).toBe(reading);
      expect(memory.vouchFor({ id: "a", known: reading }, 100n, watch, NOW + dueIn), `random ${random}`).toBeUndefined();
    }
  });
});

describe("HeardChanges.note, on a link dump recorded from the lab (its messages are laid out as link events)", () => {
  const { result } = loadReading("docker_lab_multi");
  const [links, addresses] = result.answers;
  const ifindexes = decodeReading(result).links.map((l) => l.ifindex);

  it("marks the namespace and every interface a link message names", () => {
    expect(ifindexes.length).toBeGreaterThan(1);
    const heard = new HeardChanges();
    heard.note(4, links);
    expect(heard.hasNamespace(4)).toBe(true);
    for (const ifindex of ifindexes) expect(heard.hasLink(4, ifindex)).toBe(true);
    expect(heard.hasLink(4, Math.max(...ifindexes) + 1)).toBe(false);
    expect(heard.hasLink(5, ifindexes[0] ?? 1)).toBe(false);
  });

  it("marks only the namespace for other events, and forgets everything when cleared", () => {
    const heard = new HeardChanges();
    heard.note(-1, addresses);
    expect(heard.hasNamespace(-1)).toBe(true);
    expect(ifindexes.some((i) => heard.hasLink(-1, i))).toBe(false);
    heard.note(4, links);
    heard.clear();
    expect(heard.hasNamespace(-1) || heard.hasNamespace(4) || ifindexes.some((i) => heard.hasLink(4, i))).toBe(false);
  });
});

describe("isLastingFailure", () => {
  it("gives up on missing privileges or kernel support, and tries again after anything else", () => {
    expect([ERRNO.EPERM, ERRNO.ENOPROTOOPT, ERRNO.EINVAL].map(isLastingFailure)).toEqual([true, true, true]);
    expect([ERRNO.ENOBUFS, ERRNO.EMFILE, ERRNO.EAGAIN].map(isLastingFailure)).toEqual([false, false, false]);
  });
});
