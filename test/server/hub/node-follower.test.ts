import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SnapshotOverview } from "../../../server/contract/snapshot";
import { AgentError, type EventStreamHandlers, type OpenEventStream } from "../../../server/hub/agent-client";
import { NodeFollower, type FollowedAgent } from "../../../server/hub/node-follower";
import { labelOf } from "../../../server/hub/search-index";
import { overviewOf } from "./fake-agent";

interface FakeStream {
  handlers: EventStreamHandlers;
  end(): void;
  fail(err: AgentError): void;
  frame(event: string, data: string, id?: string): void;
  heartbeat(): void;
}

/** An agent whose every answer the test decides; calls are counted. */
class FakeAgent implements FollowedAgent {
  healthFailure: AgentError | undefined;
  overviewFailure: AgentError | undefined;
  current = overviewOf("node-1", { id: "s1" });
  /** Resolves the next overview only when released (to test reads during a read). */
  holdOverview = false;
  private held: Array<() => void> = [];
  calls = { health: 0, overview: 0, events: 0 };
  streams: FakeStream[] = [];

  health(): Promise<{ version: string }> {
    this.calls.health++;
    return this.healthFailure === undefined ? Promise.resolve({ version: "0.1.0" }) : Promise.reject(this.healthFailure);
  }

  async overview(): Promise<SnapshotOverview> {
    this.calls.overview++;
    if (this.holdOverview) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.overviewFailure !== undefined) throw this.overviewFailure;
    return this.current;
  }

  release(): void {
    for (const r of this.held.splice(0)) r();
  }

  openEvents(handlers: EventStreamHandlers): Promise<OpenEventStream> {
    this.calls.events++;
    let lastId = handlers.lastEventId;
    let settle: { resolve: () => void; reject: (err: AgentError) => void } | undefined;
    const ended = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    handlers.signal.addEventListener("abort", () => settle?.reject(new AgentError("unreachable", "closed by the hub")));
    this.streams.push({
      handlers,
      end: () => settle?.resolve(),
      fail: (err) => settle?.reject(err),
      frame: (event, data, id) => {
        if (id !== undefined) lastId = id;
        handlers.onFrame({ event, data, ...(id === undefined ? {} : { id }) });
      },
      heartbeat: () => handlers.onComment(),
    });
    return Promise.resolve({ ended, lastEventId: () => lastId });
  }

  get stream(): FakeStream {
    const s = this.streams.at(-1);
    if (s === undefined) throw new Error("no stream opened");
    return s;
  }
}

const change = (seq: number) =>
  JSON.stringify({ seq, snapshotId: `s${seq}`, takenAt: "2026-12-05T00:00:00.000Z", node: "node-1", added: [], removed: [], changed: [] });

let agent: FakeAgent;
let follower: NodeFollower;
let updates: number;
let events: number;

async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  agent = new FakeAgent();
  updates = 0;
  events = 0;
  follower = new NodeFollower("http://10.250.0.11:7471", "dns:agents:7471", agent, { onUpdate: () => updates++, onEvent: () => events++ });
});

afterEach(() => {
  follower.close();
  vi.useRealTimers();
});

describe("NodeFollower", () => {
  it("is named by its address until the agent answers, then up with the agent's node name, overview and index", async () => {
    expect([follower.name, follower.isNameKnown, follower.status.state]).toEqual(["10.250.0.11:7471", false, "connecting"]);
    follower.start();
    await advance(0);
    expect([follower.name, follower.isNameKnown, follower.status.state, follower.version]).toEqual(["node-1", true, "up", "0.1.0"]);
    expect(agent.calls).toEqual({ health: 1, overview: 1, events: 1 });
    expect(follower.index?.entries.map((e) => e.kind)).toEqual([]);
    expect(updates).toBeGreaterThan(0);
  });

  it("reads the overview again on every change or resync, one read at a time: events during a read make one more", async () => {
    follower.start();
    await advance(0);
    agent.current = overviewOf("node-1", { id: "s2", pods: ["blue"] });
    agent.stream.frame("change", change(1), "1");
    await advance(0);
    expect(agent.calls.overview).toBe(2);
    expect(follower.overview?.id).toBe("s2");
    expect(follower.index?.entries.some((e) => e.kind === "ip-netns" && labelOf(e) === "ip netns blue")).toBe(true);

    agent.holdOverview = true;
    agent.stream.frame("change", change(2), "2");
    agent.stream.frame("change", change(3), "3");
    agent.stream.frame("resync", JSON.stringify({ seq: 3, reason: "fell behind" }), "3");
    await advance(0);
    expect(agent.calls.overview).toBe(3);
    agent.current = overviewOf("node-1", { id: "s4" });
    agent.release();
    await advance(0);
    agent.release();
    await advance(0);
    // The read in flight, then exactly one more for the three events that came during it.
    expect(agent.calls.overview).toBe(4);
    expect(follower.overview?.id).toBe("s4");
    expect(events).toBe(4);
    expect(follower.status.state).toBe("up");
  });

  it("stays up on heartbeats, is stale after 30 s of silence, reconnects at 60 s resuming with Last-Event-ID", async () => {
    follower.start();
    await advance(0);
    agent.stream.frame("change", change(7), "7");
    for (let i = 0; i < 4; i++) {
      await advance(15_000);
      agent.stream.heartbeat();
    }
    expect(follower.status.state).toBe("up");
    await advance(29_000);
    expect(follower.status.state).toBe("up");
    await advance(2000);
    expect(follower.status).toMatchObject({ state: "stale", error: expect.stringMatching(/no event or heartbeat for 3\d s/) });
    expect(agent.calls.events).toBe(1);
    await advance(30_000);
    // Dropped at 60 s of silence, reconnected after the first backoff, up again.
    expect(agent.calls.events).toBe(2);
    expect(agent.stream.handlers.lastEventId).toBe("7");
    expect(follower.status.state).toBe("up");
  });

  it("is unreachable the moment its stream breaks or ends, and up again once the agent answers", async () => {
    follower.start();
    await advance(0);
    agent.stream.fail(new AgentError("unreachable", "the event stream broke (connection closed)"));
    agent.healthFailure = new AgentError("unreachable", "connection refused (ECONNREFUSED)");
    await advance(0);
    expect(follower.status).toMatchObject({ state: "unreachable", error: "the event stream broke (connection closed)" });
    expect(follower.name).toBe("node-1");
    await advance(250);
    expect(follower.status).toMatchObject({ state: "unreachable", error: "connection refused (ECONNREFUSED)" });
    agent.healthFailure = undefined;
    await advance(500);
    expect(follower.status.state).toBe("up");

    agent.stream.end();
    await advance(0);
    expect(follower.status).toMatchObject({ state: "unreachable", error: expect.stringMatching(/ended its event stream/) });
    await advance(250);
    expect(follower.status.state).toBe("up");
  });

  it("backs off 250 ms doubling to 5 s while failing, and takes each failure's state", async () => {
    agent.healthFailure = new AgentError("unauthorized", "the agent refused the hub's token (HTTP 401)");
    follower.start();
    await advance(0);
    expect(follower.status.state).toBe("unauthorized");
    const at: number[] = [];
    for (let t = 0; t < 20_000; t += 50) {
      const before = agent.calls.health;
      await advance(50);
      if (agent.calls.health > before) at.push(Date.now());
    }
    const gaps = at.map((t, i) => t - (at[i - 1] ?? 0));
    expect(gaps.slice(0, 6)).toEqual([250, 500, 1000, 2000, 4000, 5000]);
    agent.healthFailure = new AgentError("version-mismatch", "the agent runs nsatlas 9.0.0");
    await advance(5000);
    expect(follower.status).toMatchObject({ state: "version-mismatch", error: "the agent runs nsatlas 9.0.0" });
  });

  it("marks the node error on an event or overview outside the contract, and follows again after", async () => {
    follower.start();
    await advance(0);
    agent.stream.frame("change", "{not json", "1");
    await advance(0);
    expect(follower.status).toMatchObject({ state: "error", error: "a change event is not JSON" });
    await advance(250);
    expect(follower.status.state).toBe("up");
    agent.stream.frame("change", JSON.stringify({ seq: "x" }), "2");
    await advance(0);
    expect(follower.status).toMatchObject({ state: "error", error: expect.stringMatching(/a change event is not in the contract/) });
    agent.overviewFailure = new AgentError("error", "GET /api/v1/snapshot?view=overview: the answer is not JSON");
    await advance(250);
    expect(follower.status).toMatchObject({ state: "error", error: expect.stringMatching(/not JSON/) });
  });

  it("stops for good when retired, with the reason", async () => {
    follower.start();
    await advance(0);
    follower.retire("its address left the answer of dns:agents:7471");
    await advance(10_000);
    expect(follower.status).toMatchObject({ state: "unreachable", error: "its address left the answer of dns:agents:7471" });
    expect(agent.calls.health).toBe(1);
  });
});
