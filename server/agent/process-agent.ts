/**
 * The one agent of a process. Kept on globalThis: the dashboard's front server creates it, and Next's
 * bundles of the routes (and `next dev` reloads) must find that one instead of starting a second
 * reader thread and schedule.
 */
import type { Agent } from "./create-agent";

const AGENT_KEY = Symbol.for("nsatlas.agent");
type GlobalWithAgent = typeof globalThis & { [AGENT_KEY]?: Agent };

/** The process's agent, created by `create` the first time. */
export function processAgent(create: () => Agent): Agent {
  const g: GlobalWithAgent = globalThis;
  g[AGENT_KEY] ??= create();
  return g[AGENT_KEY];
}
