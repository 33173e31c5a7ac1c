import { printJsonDocument } from "../output";
import { withAgent } from "../with-agent";

/** `nsatlas snapshot --json`: one fresh, complete reading of the node, as the API serves it. */
export async function snapshotCommand(): Promise<number> {
  const snapshot = await withAgent((agent) => agent.snapshot(undefined, { fresh: true }));
  printJsonDocument(snapshot);
  return 0;
}
