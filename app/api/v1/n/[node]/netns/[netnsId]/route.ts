import { clusterSource } from "@/server/dal";
import { nodeNetnsHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/n/{node}/netns/{id}[?at=]: one namespace of that node, from its agent. */
export async function GET(request: Request, context: { params: Promise<{ node: string; netnsId: string }> }): Promise<Response> {
  const { node, netnsId } = await context.params;
  return nodeNetnsHandler(request, node, netnsId, clusterSource());
}
