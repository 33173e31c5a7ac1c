import { printJsonDocument } from "../output";
import type { ReadAhead } from "../../snapshot/read-ahead";
import { snapshotOnce } from "../with-agent";

/** `nsatlas snapshot --json`: one fresh, complete reading of the node, as the API serves it. */
export async function snapshotCommand(readAhead?: ReadAhead): Promise<number> {
  const snapshot = await snapshotOnce(readAhead);
  printJsonDocument(snapshot);
  return 0;
}
