import { clusterSource } from "@/server/dal";
import { clusterTopologyHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/cluster/topology: the nodes and the links between them (vxlan, host-gw routes). */
export function GET(request: Request): Promise<Response> {
  return clusterTopologyHandler(request, clusterSource());
}
