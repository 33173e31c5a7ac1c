import { clusterSource } from "@/server/dal";
import { nodeTraceHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/n/{node}/trace?from=<netnsId>&to=<ip>[&proto=&sport=&dport=]: that node's path trace, from its agent. */
export async function GET(request: Request, context: { params: Promise<{ node: string }> }): Promise<Response> {
  const { node } = await context.params;
  return nodeTraceHandler(request, node, clusterSource());
}
