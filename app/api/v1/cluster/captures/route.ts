import { clusterSource } from "@/server/dal";
import { clusterCaptureHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** POST /api/v1/cluster/captures: interfaces on several nodes captured at once, merged into one pcapng by the hub. */
export async function POST(request: Request): Promise<Response> {
  return clusterCaptureHandler(request, clusterSource());
}
