import { clusterSource } from "@/server/dal";
import { nodePodHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/n/{node}/pods/{namespace}/{name}[?at=]: a pod on that node and the namespaces it holds. */
export async function GET(request: Request, context: { params: Promise<{ node: string; namespace: string; name: string }> }): Promise<Response> {
  const { node, namespace, name } = await context.params;
  return nodePodHandler(request, node, namespace, name, clusterSource());
}
