import { createAgent, type Agent } from "../agent/create-agent";
import { parseConfig } from "../config";
import type { Snapshot } from "../contract/snapshot";
import type { ReadAhead } from "../snapshot/read-ahead";

/**
 * Runs `work` with an agent core configured from the environment, and closes the agent after it (the
 * reader thread, the engines' connections, the store), whatever happens. One-shot commands read the
 * node once: they do not record, and they leave the change watch off (it pays from the second scan
 * on; on the first it costs every namespace an extra round trip on the host's socket and bookkeeping).
 */
export async function withAgent<T>(work: (agent: Agent) => Promise<T>, readAhead?: ReadAhead): Promise<T> {
  const agent = createAgent({ ...parseConfig(process.env), watchChanges: false }, { readAhead });
  // Every command that reads the node takes a snapshot at once: its reader thread starts while the rest loads.
  agent.service.reader.start();
  try {
    return await work(agent);
  } finally {
    agent.close();
  }
}

/** One fresh snapshot of the node, taking the command's read-ahead when it started one. */
export function snapshotOnce(readAhead: ReadAhead | undefined): Promise<Snapshot> {
  return withAgent((agent) => agent.snapshot(undefined, { fresh: true }), readAhead);
}
