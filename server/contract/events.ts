import * as z from "zod";
import { netnsIdSchema } from "./snapshot";

/**
 * One `change` event of GET /api/v1/events (Server-Sent Events): the node's network changed between two
 * snapshots. Counters and process churn are not changes; namespaces, owners, interfaces, addresses,
 * routes and wiring are. `seq` is the event's `id:` line, for `Last-Event-ID` resume.
 */
export const changeEventSchema = z.object({
  seq: z.number().int().positive(),
  /** The snapshot that shows the change (GET /api/v1/snapshot answers it or a newer one). */
  snapshotId: z.string(),
  takenAt: z.string(),
  /** The node's name (NSATLAS_NODE_NAME or the hostname). */
  node: z.string(),
  added: z.array(netnsIdSchema),
  removed: z.array(netnsIdSchema),
  changed: z.array(netnsIdSchema),
});
export type ChangeEvent = z.infer<typeof changeEventSchema>;

/** The `resync` event: the stream cannot replay what was missed (too old, or the client fell behind); read the snapshot again. */
export const resyncEventSchema = z.object({ seq: z.number().int().nonnegative(), reason: z.string() });
export type ResyncEvent = z.infer<typeof resyncEventSchema>;
