import * as z from "zod";
import { runtimeStatusSchema } from "./runtime-status";
import { nodeSchema } from "./snapshot";

/** GET /api/v1/healthz: is the agent up, and which engines answered. */
export const healthSchema = z.object({
  /** nsatlas version from package.json. */
  version: z.string(),
  /** When this agent process started (ISO 8601). */
  startedAt: z.string(),
  /** Milliseconds since startedAt. */
  uptimeMs: z.number().nonnegative(),
  node: nodeSchema,
  /**
   * One entry per engine endpoint probed: each socket a setting names; for an engine without a setting,
   * each discovered socket that answered or, when none did, one (with every path tried in `candidates`).
   * docs/api.md, "Where engines are looked for".
   */
  runtimes: z.array(runtimeStatusSchema),
  /** The agent process itself: for operators, load tests and leak checks. */
  agent: z.object({
    /** Snapshots taken since start (concurrent requests inside the TTL share one). */
    scans: z.number().int(),
    rssBytes: z.number().int(),
    heapUsedBytes: z.number().int(),
    /** Open file descriptors (sockets included). */
    openFds: z.number().int(),
    /** Capabilities nsatlas uses that this process lacks, and what degrades without each. */
    missingCapabilities: z.array(z.object({ name: z.string(), degrades: z.string() })),
    /**
     * The change watch: whether scans read only the counters of namespaces with no netlink event
     * since their last full reading, and how the latest scan read them (absent before the first).
     */
    changeWatch: z.object({
      isOn: z.boolean(),
      /** Why it is off. */
      reason: z.string().optional(),
      lastScan: z.object({ readInFull: z.number().int(), countersOnly: z.number().int() }).optional(),
    }),
  }),
});
export type Health = z.infer<typeof healthSchema>;

/** GET /readyz: 200 when ready, 503 with what is not ready (GET /livez answers a plain "ok"). */
export const readinessSchema = z.object({
  isReady: z.boolean(),
  /** What is not ready, in words; empty when ready. */
  notReady: z.array(z.string()),
});
export type Readiness = z.infer<typeof readinessSchema>;
