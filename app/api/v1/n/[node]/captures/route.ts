import { clusterSource } from "@/server/dal";
import { nodeCaptureHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** POST /api/v1/n/{node}/captures: a packet capture on that node, its pcapng streamed through the hub while it runs. */
export async function POST(request: Request, context: { params: Promise<{ node: string }> }): Promise<Response> {
  const { node } = await context.params;
  return nodeCaptureHandler(request, node, clusterSource());
}
