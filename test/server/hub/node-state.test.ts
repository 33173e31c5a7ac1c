import { describe, expect, it } from "vitest";
import { initialStatus, isSilentTooLong, nextStatus, type NodeSignal, type NodeStatus } from "../../../server/hub/node-state";

/** Applies signals at given times (a fake clock: ms since 0). */
function run(steps: Array<[number, NodeSignal]>): NodeStatus[] {
  let status = initialStatus(0);
  return steps.map(([at, signal]) => (status = nextStatus(status, signal, at)));
}

const answered: NodeSignal = { kind: "answered" };
const heard: NodeSignal = { kind: "heard" };
const tick: NodeSignal = { kind: "tick" };
const refused: NodeSignal = { kind: "failed", failure: "unreachable", error: "connection refused (ECONNREFUSED)" };

describe("node state", () => {
  it("starts connecting and is up once the agent answered", () => {
    expect(initialStatus(5)).toEqual({ state: "connecting", since: 5, lastSeen: undefined, error: undefined });
    expect(run([[1000, answered]]).at(-1)).toEqual({ state: "up", since: 1000, lastSeen: 1000, error: undefined });
  });

  it("stays up while heartbeats come, goes stale after 30 s of silence, and back up when heard", () => {
    const states = run([
      [0, answered],
      [15_000, heard],
      [30_000, heard],
      [59_000, tick],
      [60_000, tick],
      [61_000, tick],
      [70_000, heard],
    ]);
    expect(states.map((s) => s.state)).toEqual(["up", "up", "up", "up", "stale", "stale", "up"]);
    expect(states[4]).toEqual({ state: "stale", since: 60_000, lastSeen: 30_000, error: "no event or heartbeat for 30 s" });
    // Staying stale keeps the time it became stale.
    expect(states[5]?.since).toBe(60_000);
    expect(states[6]).toEqual({ state: "up", since: 70_000, lastSeen: 70_000, error: undefined });
  });

  it("takes each failure as its state with the error, keeping when the agent was last heard", () => {
    const states = run([
      [0, answered],
      [1000, refused],
      [2000, { kind: "failed", failure: "unreachable", error: "no answer within 2000 ms" }],
      [3000, { kind: "failed", failure: "unauthorized", error: "401" }],
      [4000, { kind: "failed", failure: "version-mismatch", error: "9.0.0" }],
      [5000, { kind: "failed", failure: "error", error: "not JSON" }],
      [6000, answered],
    ]);
    expect(states.map((s) => [s.state, s.since, s.lastSeen, s.error])).toEqual([
      ["up", 0, 0, undefined],
      ["unreachable", 1000, 0, "connection refused (ECONNREFUSED)"],
      ["unreachable", 1000, 0, "no answer within 2000 ms"],
      ["unauthorized", 3000, 0, "401"],
      ["version-mismatch", 4000, 0, "9.0.0"],
      ["error", 5000, 0, "not JSON"],
      ["up", 6000, 6000, undefined],
    ]);
  });

  it("is never made stale before the first answer, nor while failed", () => {
    expect(run([[100_000, tick]]).at(-1)?.state).toBe("connecting");
    expect(
      run([
        [0, refused],
        [100_000, tick],
      ]).at(-1)?.state,
    ).toBe("unreachable");
    // Heard on a stream opened before the first overview came: still connecting.
    expect(run([[10, heard]]).at(-1)).toMatchObject({ state: "connecting", lastSeen: 10 });
  });

  it("says when a silent stream should be dropped (60 s)", () => {
    const up = run([[0, answered]]).at(-1) ?? initialStatus(0);
    expect(isSilentTooLong(up, 59_999)).toBe(false);
    expect(isSilentTooLong(up, 60_000)).toBe(true);
    expect(isSilentTooLong(nextStatus(up, tick, 45_000), 60_000)).toBe(true);
    expect(isSilentTooLong(nextStatus(up, refused, 1), 600_000)).toBe(false);
  });
});
