/**
 * Reading every known node for a frozen cluster snapshot: each node's full snapshot, all at once, each within its own
 * deadline and byte limit; a node that fails is missing (with the reason), never a reason to fail the others.
 */
import type { MissingNode } from "../contract/cluster";
import type { Snapshot } from "../contract/snapshot";
import { LIMITS } from "./agent-client";

/** The bounds of one node's read: longer than a page's details (a full snapshot of a big node), the size the hub reads anywhere. */
export interface FreezeLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const FREEZE_LIMITS: FreezeLimits = { timeoutMs: 5000, maxBytes: LIMITS.snapshotBytes };

/** A node's snapshot, or why it could not be read ("<node state>: <what went wrong>"). */
export type NodeRead = { ok: true; snapshot: Snapshot } | { ok: false; reason: string };

export interface FreezeTarget {
  name: string;
  /** Why the node is not asked at all (the hub knows its agent refuses it), or undefined to ask. */
  skip: string | undefined;
  /** Bounded by `limits` alone: a freeze, once asked, finishes even when its client leaves. */
  read(limits: FreezeLimits): Promise<NodeRead>;
}

export interface NodesRead {
  taken: { name: string; snapshot: Snapshot }[];
  missing: MissingNode[];
}

export async function readNodes(targets: readonly FreezeTarget[], limits: FreezeLimits): Promise<NodesRead> {
  const read = await Promise.all(
    targets.map((t): Promise<NodeRead> => (t.skip === undefined ? t.read(limits) : Promise.resolve({ ok: false, reason: t.skip }))),
  );
  const taken: NodesRead["taken"] = [];
  const missing: MissingNode[] = [];
  read.forEach((r, i) => {
    const name = targets[i]?.name ?? "?";
    if (r.ok) taken.push({ name, snapshot: r.snapshot });
    else missing.push({ name, reason: r.reason });
  });
  return { taken, missing };
}
