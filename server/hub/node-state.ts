/**
 * The state of one followed agent as a pure function of what happened and when (times in ms since the epoch),
 * so that the rules are tested with a fake clock (test/server/hub/node-state.test.ts):
 *   connecting ──answered──▶ up ──(30 s without event or heartbeat)──▶ stale ──heard──▶ up
 *   any ──failed(kind)──▶ unreachable | unauthorized | version-mismatch | error ──answered──▶ up
 * The follower (node-follower.ts) turns calls and timers into these signals.
 */
import type { NodeState } from "../contract/cluster";
import type { FailureKind } from "./agent-client";

/** Agents send a heartbeat every 15 s: two missed ones make a node stale. */
export const STALE_AFTER_MS = 30_000;
/** A stream silent this long is dropped and opened again (a half-open connection never ends by itself). */
export const RECONNECT_AFTER_SILENCE_MS = 60_000;

export interface NodeStatus {
  state: NodeState;
  /** When the state was entered. */
  since: number;
  /** When anything was last heard from the agent (an answer, an event, a heartbeat). */
  lastSeen: number | undefined;
  /** The latest failure, while not up. */
  error: string | undefined;
}

export type NodeSignal =
  /** The agent answered its health and overview and its event stream is open. */
  | { kind: "answered" }
  /** An event or a heartbeat came on the stream. */
  | { kind: "heard" }
  | { kind: "failed"; failure: FailureKind; error: string }
  /** Time passed: checks for silence. */
  | { kind: "tick" };

export function initialStatus(now: number): NodeStatus {
  return { state: "connecting", since: now, lastSeen: undefined, error: undefined };
}

function enter(status: NodeStatus, state: NodeState, now: number, error: string | undefined, lastSeen = status.lastSeen): NodeStatus {
  return { state, since: state === status.state ? status.since : now, lastSeen, error };
}

export function nextStatus(status: NodeStatus, signal: NodeSignal, now: number, staleAfterMs = STALE_AFTER_MS): NodeStatus {
  switch (signal.kind) {
    case "answered":
      return enter(status, "up", now, undefined, now);
    case "heard":
      // Heard on a stream opened before the first answer (connecting) changes nothing but lastSeen.
      return status.state === "stale" ? enter(status, "up", now, undefined, now) : { ...status, lastSeen: now };
    case "failed":
      return enter(status, signal.failure, now, signal.error);
    case "tick": {
      if (status.state !== "up" || status.lastSeen === undefined) return status;
      const silentMs = now - status.lastSeen;
      return silentMs >= staleAfterMs ? enter(status, "stale", now, `no event or heartbeat for ${Math.round(silentMs / 1000)} s`) : status;
    }
  }
}

/** Has the stream been silent long enough to drop it and connect again? */
export function isSilentTooLong(status: NodeStatus, now: number, limitMs = RECONNECT_AFTER_SILENCE_MS): boolean {
  return (status.state === "up" || status.state === "stale") && status.lastSeen !== undefined && now - status.lastSeen >= limitMs;
}
