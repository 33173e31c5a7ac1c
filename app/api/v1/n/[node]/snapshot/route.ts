import { clusterSource } from "@/server/dal";
import { nodeSnapshotHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/n/{node}/snapshot[?view=&at=]: that node's snapshot, through the hub. */
export async function GET(request: Request, context: { params: Promise<{ node: string }> }): Promise<Response> {
  const { node } = await context.params;
  return nodeSnapshotHandler(request, node, clusterSource());
}
