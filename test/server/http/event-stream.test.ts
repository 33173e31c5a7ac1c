import { describe, expect, it } from "vitest";
import { ChangeFeed } from "../../../server/agent/change-feed";
import type { Netns, Snapshot } from "../../../server/contract/snapshot";
import { eventStreamHandler } from "../../../server/http/handlers/event-stream";
import type { ChangeSource } from "../../../server/http/handlers/read-source";
import { labSnapshot } from "../../fixtures/lab-snapshot";

const base: Snapshot = labSnapshot();

function twoNamespaces(): [Netns, Netns] {
  const [first, second] = base.netns;
  if (first === undefined || second === undefined) throw new Error("the recorded lab snapshot has fewer than two namespaces");
  return [first, second];
}
const [host, other] = twoNamespaces();

/** A real feed, fed alternately with and without one namespace: every observe() after the first is a change. */
function feedWith(events: number): { feed: ChangeFeed; source: ChangeSource; change: () => void } {
  const feed = new ChangeFeed();
  let toggle = false;
  const change = () => {
    toggle = !toggle;
    feed.observe({ ...base, id: `s${feed.lastSeq}`, netns: toggle ? [host, other] : [host] });
  };
  feed.observe({ ...base, netns: [host] });
  for (let i = 0; i < events; i++) change();
  return { feed, source: { subscribe: (l) => feed.subscribe(l), since: (s) => feed.since(s), lastSeq: () => feed.lastSeq }, change };
}

function request(headers: Record<string, string> = {}, query = ""): Request {
  return new Request(`http://127.0.0.1/api/v1/events${query}`, { headers });
}

/** Reads the stream until `until` holds for the text so far (or it ends). */
async function readUntil(response: Response, until: (text: string) => boolean): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) throw new Error("no body");
  const decoder = new TextDecoder();
  let text = "";
  while (!until(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  reader.releaseLock();
  return text;
}

const ids = (text: string) => [...text.matchAll(/^id: (\d+)\nevent: change$/gm)].map((m) => Number(m[1]));

describe("GET /api/v1/events", () => {
  it("streams each change with its sequence number", async () => {
    const { source, change } = feedWith(0);
    const response = eventStreamHandler(request(), source);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    change();
    change();
    const text = await readUntil(response, (t) => ids(t).length >= 2);
    expect(text).toMatch(/^retry: \d+\n/);
    expect(ids(text)).toEqual([1, 2]);
    expect(text).toContain(`"added":["${other.id}"]`);
    await response.body?.cancel();
  });

  it("replays what a client missed after Last-Event-ID, or tells it to resync", async () => {
    const { source } = feedWith(4);
    const resumed = eventStreamHandler(request({ "last-event-id": "2" }), source);
    expect(ids(await readUntil(resumed, (t) => ids(t).length >= 2))).toEqual([3, 4]);
    await resumed.body?.cancel();
    const lost = eventStreamHandler(request({}, "?lastEventId=99"), source);
    const text = await readUntil(lost, (t) => t.includes("event: resync"));
    expect(text).toMatch(/id: 4\nevent: resync\ndata: \{"seq":4,"reason":"events after 99/);
    await lost.body?.cancel();
  });

  it("refuses a malformed Last-Event-ID", async () => {
    const response = eventStreamHandler(request({ "last-event-id": "x1" }), feedWith(0).source);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ title: "Malformed Last-Event-ID" });
  });

  it("sends heartbeat comments", async () => {
    const response = eventStreamHandler(request(), feedWith(0).source, { heartbeatMs: 20 });
    expect(await readUntil(response, (t) => t.includes(": heartbeat"))).toContain(": heartbeat\n\n");
    await response.body?.cancel();
  });

  it("drops events for a client that stops reading and resyncs it once it reads again", async () => {
    const { source, change } = feedWith(0);
    const response = eventStreamHandler(request(), source, { maxQueuedBytes: 600 });
    for (let i = 0; i < 50; i++) change();
    const text = await readUntil(response, (t) => t.includes("event: resync"));
    const sent = ids(text);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThan(50);
    expect(text).toMatch(/event: resync\ndata: \{"seq":50,"reason":"this client fell behind/);
    await response.body?.cancel();
  });

  it("unsubscribes when the client goes and ends every stream on shutdown", async () => {
    const { feed, source } = feedWith(0);
    const gone = eventStreamHandler(request(), source);
    await readUntil(gone, (t) => t.length > 0);
    expect(feed.subscribers).toBe(1);
    await gone.body?.cancel();
    expect(feed.subscribers).toBe(0);
    const shutdown = new AbortController();
    const open = eventStreamHandler(request(), source, { signal: shutdown.signal });
    expect(feed.subscribers).toBe(1);
    shutdown.abort();
    const text = await readUntil(open, () => false);
    expect(text).toContain(": nsatlas events");
    expect(feed.subscribers).toBe(0);
  });
});
