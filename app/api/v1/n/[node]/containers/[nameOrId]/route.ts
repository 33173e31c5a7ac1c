import { clusterSource } from "@/server/dal";
import { nodeContainerHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/n/{node}/containers/{nameOrId}[?at=]: a container on that node and the namespaces it is in. */
export async function GET(request: Request, context: { params: Promise<{ node: string; nameOrId: string }> }): Promise<Response> {
  const { node, nameOrId } = await context.params;
  return nodeContainerHandler(request, node, nameOrId, clusterSource());
}
