import { clusterSource } from "@/server/dal";
import { nodeCaptureHandler, nodeCaptureStatusHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/n/{node}/captures: whether that node's agent captures (its capture status, through the hub). */
export async function GET(request: Request, context: { params: Promise<{ node: string }> }): Promise<Response> {
  const { node } = await context.params;
  return nodeCaptureStatusHandler(request, node, clusterSource());
}

/** POST /api/v1/n/{node}/captures: a packet capture on that node, its pcapng streamed through the hub while it runs. */
export async function POST(request: Request, context: { params: Promise<{ node: string }> }): Promise<Response> {
  const { node } = await context.params;
  return nodeCaptureHandler(request, node, clusterSource());
}
