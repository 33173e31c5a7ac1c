import { z } from "zod";
import { runtimeStatusSchema } from "./runtime-status";

/** GET /api/v1/healthz: is the agent up, and which engines answered. */
export const healthSchema = z.object({
  /** nsatlas version from package.json. */
  version: z.string(),
  /** When this agent process started (ISO 8601). */
  startedAt: z.string(),
  /** Milliseconds since startedAt. */
  uptimeMs: z.number().nonnegative(),
  node: z.object({
    /** The node's hostname (uname -n). */
    hostname: z.string(),
    /** Kernel release (uname -r). */
    kernel: z.string(),
  }),
  /** One entry per engine endpoint probed. */
  runtimes: z.array(runtimeStatusSchema),
});
export type Health = z.infer<typeof healthSchema>;
