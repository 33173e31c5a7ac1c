import { describe, expect, it } from "vitest";
import { ChangeFeed, REPLAY_EVENTS } from "../../../server/agent/change-feed";
import type { ChangeEvent } from "../../../server/contract/events";
import type { Netns, Snapshot } from "../../../server/contract/snapshot";
import { labSnapshot } from "../../fixtures/lab-snapshot";

const base: Snapshot = labSnapshot();

function withNetns(netns: Netns[], id = "s"): Snapshot {
  return { ...base, id, netns };
}

describe("ChangeFeed", () => {
  const [host, ...others] = base.netns;
  if (host === undefined || others.length < 2) throw new Error("the recorded lab snapshot has fewer than three namespaces");
  const [a, b] = others as [Netns, Netns];

  it("takes the first snapshot as its baseline and emits nothing for it", () => {
    const feed = new ChangeFeed();
    expect(feed.observe(base)).toBeUndefined();
    expect(feed.lastSeq).toBe(0);
  });

  it("names namespaces added, removed and changed, and ignores counters and process churn", () => {
    const feed = new ChangeFeed();
    const heard: ChangeEvent[] = [];
    feed.subscribe((e) => heard.push(e));
    feed.observe(withNetns([host, a]));
    const churn = { ...a, processCount: a.processCount + 5, refs: [], interfaces: a.interfaces.map((i) => ({ ...i, stats: undefined })) };
    expect(feed.observe(withNetns([host, churn]))).toBeUndefined();
    const renamed = { ...a, interfaces: a.interfaces.map((i) => ({ ...i, mtu: i.mtu + 1 })) };
    const event = feed.observe(withNetns([renamed, b], "s2"));
    expect(event).toMatchObject({ seq: 1, snapshotId: "s2", node: base.node.name, added: [b.id], removed: [host.id], changed: [a.id] });
    expect(heard).toEqual([event]);
  });

  it("replays what a resuming client missed, and says when it cannot", () => {
    const feed = new ChangeFeed();
    feed.observe(withNetns([host]));
    for (let i = 0; i < REPLAY_EVENTS + 5; i++) feed.observe(withNetns(i % 2 === 0 ? [host, a] : [host]));
    expect(feed.lastSeq).toBe(REPLAY_EVENTS + 5);
    const recent = feed.since(feed.lastSeq - 3);
    expect(recent?.map((e) => e.seq)).toEqual([feed.lastSeq - 2, feed.lastSeq - 1, feed.lastSeq]);
    expect(feed.since(feed.lastSeq)).toEqual([]);
    expect(feed.since(1)).toBeUndefined(); // dropped from the replay buffer
    expect(feed.since(feed.lastSeq + 10)).toBeUndefined(); // another agent process's numbers
  });

  it("after a pause, takes a new baseline and makes clients that resume from before it resync", () => {
    const feed = new ChangeFeed();
    feed.observe(withNetns([host]));
    feed.observe(withNetns([host, a]));
    expect(feed.since(0)?.map((e) => e.seq)).toEqual([1]);
    feed.pause();
    expect(feed.observe(withNetns([host]))).toBeUndefined(); // the new baseline: what changed meanwhile is unknown
    expect(feed.since(1)).toBeUndefined();
    expect(feed.observe(withNetns([host, b]))?.seq).toBe(2);
    expect(feed.since(1)).toBeUndefined();
    expect(feed.since(2)).toEqual([]);
  });
});
