import * as z from "zod";

/** Kinds of trouble the agent spots on every snapshot, each with its own explanation. */
export const ANOMALY_KINDS = [
  "veth-peer-missing",
  "leaked-netns",
  "duplicate-address",
  "mtu-mismatch",
  "default-route-down",
  "promiscuous",
  "counters-rising",
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

const anomalyPlaceSchema = z.object({
  /** A namespace id (inode as a decimal string). */
  netnsId: z.string(),
  /** The interface, when the anomaly is about one. */
  ifindex: z.number().int().optional(),
  /** The interface's name, for display. */
  ifaceName: z.string().optional(),
});

/** Something that looks wrong in one snapshot. */
export const anomalySchema = z.object({
  kind: z.enum(ANOMALY_KINDS),
  /** critical: traffic is (or will be) lost; warning: worth a look. */
  severity: z.enum(["warning", "critical"]),
  /** Where it is; an anomaly spanning several places (a duplicate address) lists each. */
  places: z.array(anomalyPlaceSchema).min(1),
  /** One sentence saying what is wrong and why it matters. */
  message: z.string(),
});
export type Anomaly = z.infer<typeof anomalySchema>;
