import { clusterSource } from "@/server/dal";
import { clusterFreezeHandler, clusterSnapshotListHandler } from "@/server/http/handlers/cluster-snapshot-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/cluster/snapshots: the frozen cluster snapshots, newest first (docs/hub.md). */
export function GET(): Response {
  return clusterSnapshotListHandler(clusterSource());
}

/** POST /api/v1/cluster/snapshots: freeze the cluster (every known node's snapshot, kept by the hub). */
export async function POST(request: Request): Promise<Response> {
  return clusterFreezeHandler(request, clusterSource());
}
