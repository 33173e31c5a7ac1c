import type { ReadAhead } from "../snapshot/read-ahead";
import type { Invocation } from "./parse-command-line";

/** The commands whose first act is one fresh snapshot of the node. */
const READS_AT_ONCE: ReadonlySet<Invocation["command"]> = new Set(["snapshot", "list", "where"]);

/**
 * Starts reading the node before the command's own modules load, for the commands that read it at once (see
 * read-ahead.ts); undefined for the others, and when the environment is invalid (the command says so itself).
 */
export async function startReadAhead(invocation: Invocation): Promise<ReadAhead | undefined> {
  if (!READS_AT_ONCE.has(invocation.command)) return undefined;
  const [{ parseConfig }, { configureLogger }, { ReadAhead }] = await Promise.all([
    import("../config"),
    import("../log/logger"),
    import("../snapshot/read-ahead"),
  ]);
  let config;
  try {
    config = parseConfig(process.env);
  } catch {
    return undefined;
  }
  // Before the reading can log: a one-shot command's stdout is data (runCommand chooses the same).
  configureLogger({ fd: 2 });
  return new ReadAhead(config);
}
