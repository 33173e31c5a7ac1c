import * as z from "zod";

/** A snapshot id: "<takenAt in ms>-<8 hex>" for the agent's own; imported files keep theirs. */
export const snapshotIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a snapshot id: letters, digits, _ . -");

/** How a stored snapshot got into the store. */
const SNAPSHOT_ORIGINS = ["recorded", "frozen", "imported"] as const;

/** One entry of the history (GET /api/v1/snapshots). */
export const storedSnapshotSchema = z.object({
  id: snapshotIdSchema,
  takenAt: z.string(),
  /** recorded: by the schedule; frozen: someone pressed "freeze"; imported: from a file. Frozen and imported ones are kept longest. */
  origin: z.enum(SNAPSHOT_ORIGINS),
  /** The node it was taken on (an imported snapshot may come from another node). */
  hostname: z.string(),
  netnsCount: z.number().int(),
  anomalyCount: z.number().int(),
  /** Bytes this snapshot added to the store (namespaces unchanged since an earlier snapshot are shared). */
  storedBytes: z.number().int(),
});
export type StoredSnapshot = z.infer<typeof storedSnapshotSchema>;

export const historySchema = z.object({
  snapshots: z.array(storedSnapshotSchema),
  /** Whether a store is open; false when the data directory could not be used (with the reason). */
  isAvailable: z.boolean(),
  error: z.string().optional(),
  /** Bytes the store holds, and its bounds. */
  totalBytes: z.number().int(),
  maxBytes: z.number().int(),
  maxAgeMs: z.number().int(),
});
export type History = z.infer<typeof historySchema>;
