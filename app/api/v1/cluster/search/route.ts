import { clusterSource } from "@/server/dal";
import { clusterSearchHandler } from "@/server/http/handlers/cluster-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/cluster/search?q=: pods, containers, ip netns names, interfaces, addresses and MACs on every node, from the hub's cache. */
export function GET(request: Request): Response {
  return clusterSearchHandler(request, clusterSource());
}
