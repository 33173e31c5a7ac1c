import * as z from "zod";
import { statsSchema } from "./snapshot";

export const CHANGE_KINDS = [
  "netns-appeared",
  "netns-vanished",
  "owner-added",
  "owner-removed",
  "iface-added",
  "iface-removed",
  "iface-state",
  "mtu",
  "master",
  "address-added",
  "address-removed",
  "route-added",
  "route-removed",
  "listener-opened",
  "listener-closed",
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One thing that differs between two snapshots. */
export const changeSchema = z.object({
  kind: z.enum(CHANGE_KINDS),
  netnsId: z.string(),
  /** Who the namespace belongs to (its first owner's name), for display. */
  netnsLabel: z.string(),
  ifindex: z.number().int().optional(),
  ifaceName: z.string().optional(),
  /** The value before and after, as text ("1500" → "1400", "up" → "down", "10.0.0.2/24"). */
  before: z.string().optional(),
  after: z.string().optional(),
  /** One line for people: "eth0 went down (up → lowerlayerdown)". */
  text: z.string(),
});
export type Change = z.infer<typeof changeSchema>;

/** An interface present in both snapshots whose counters moved. */
export const counterDeltaSchema = z.object({
  netnsId: z.string(),
  netnsLabel: z.string(),
  ifindex: z.number().int(),
  ifaceName: z.string(),
  /** to − from, per counter. */
  delta: statsSchema,
  /** delta per second over the time between the two snapshots. */
  perSecond: statsSchema,
  /** Drops or errors went up: listed first, shown in red. */
  isLosing: z.boolean(),
});
export type CounterDelta = z.infer<typeof counterDeltaSchema>;

const endSchema = z.object({ id: z.string(), takenAt: z.string(), isLive: z.boolean() });

/** GET /api/v1/diff?from=&to=: what changed between two snapshots (or a snapshot and now). */
export const diffSchema = z.object({
  from: endSchema,
  to: endSchema,
  elapsedMs: z.number(),
  changes: z.array(changeSchema),
  counters: z.array(counterDeltaSchema),
  /** Listeners are compared only when both snapshots recorded them (stored snapshots do; a plain live one does not). */
  hasListeners: z.boolean(),
});
export type Diff = z.infer<typeof diffSchema>;
