import os from "node:os";
import * as z from "zod";
import pkg from "../package.json";
import type { NodeInfo } from "./contract/snapshot";

const packageSchema = z.object({ version: z.string() });

/** nsatlas's own version, from package.json. */
export const NSATLAS_VERSION = packageSchema.parse(pkg).version;

/** The node this agent runs on; its name is NSATLAS_NODE_NAME when set (Kubernetes' downward API), else the hostname. */
export function nodeInfo(nodeName?: string): NodeInfo {
  const hostname = os.hostname();
  return { name: nodeName ?? hostname, hostname, kernel: os.release() };
}

/** When this process started, derived from its uptime so it is right whenever this module loads. */
export function processStartedAt(): Date {
  return new Date(Date.now() - process.uptime() * 1000);
}
