import { clusterSource } from "@/server/dal";
import { clusterNodesHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/cluster/nodes: every node agent the hub follows, with its state (docs/hub.md). */
export function GET(): Response {
  return clusterNodesHandler(clusterSource());
}
