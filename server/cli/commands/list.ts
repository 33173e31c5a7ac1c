import { formatList } from "../format-list";
import { listOutput } from "../list-output";
import { printJson, printText } from "../output";
import { withAgent } from "../with-agent";

/** `nsatlas list [--json]`: every namespace on the node, one line (or entry) each. */
export async function listCommand(options: { json: boolean }): Promise<number> {
  const snapshot = await withAgent((agent) => agent.snapshot(undefined, { fresh: true }));
  if (options.json) printJson(listOutput(snapshot));
  else printText(formatList(snapshot));
  return 0;
}
