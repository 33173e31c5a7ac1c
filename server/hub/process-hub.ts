/**
 * The one hub of a process, on globalThis like process-agent.ts's agent: the dashboard's process creates it, and
 * Next's bundles of the routes must find that one instead of following every agent a second time.
 */
import type { Hub } from "./hub";

const HUB_KEY = Symbol.for("nsatlas.hub");
type GlobalWithHub = typeof globalThis & { [HUB_KEY]?: Hub };

/** The process's hub, created by `create` the first time. */
export function processHub(create: () => Hub): Hub {
  const g: GlobalWithHub = globalThis;
  g[HUB_KEY] ??= create();
  return g[HUB_KEY];
}
