import os from "node:os";
import { z } from "zod";
import pkg from "../package.json";

const packageSchema = z.object({ version: z.string() });

/** nsatlas's own version, from package.json. */
export const NSATLAS_VERSION = packageSchema.parse(pkg).version;

/** The node this agent runs on. */
export function nodeInfo(): { hostname: string; kernel: string } {
  return { hostname: os.hostname(), kernel: os.release() };
}

/** When this process started, derived from its uptime so it is right whenever this module loads. */
export function processStartedAt(): Date {
  return new Date(Date.now() - process.uptime() * 1000);
}
