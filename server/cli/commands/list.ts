import { formatList } from "../format-list";
import { listOutput } from "../list-output";
import { printJson, printText } from "../output";
import type { ReadAhead } from "../../snapshot/read-ahead";
import { snapshotOnce } from "../with-agent";

/** `nsatlas list [--json]`: every namespace on the node, one line (or entry) each. */
export async function listCommand(options: { json: boolean }, readAhead?: ReadAhead): Promise<number> {
  const snapshot = await snapshotOnce(readAhead);
  if (options.json) printJson(listOutput(snapshot));
  else printText(formatList(snapshot));
  return 0;
}
