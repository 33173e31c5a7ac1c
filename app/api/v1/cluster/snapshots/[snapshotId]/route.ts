import { clusterSource } from "@/server/dal";
import { clusterSnapshotHandler } from "@/server/http/handlers/cluster-snapshot-handlers";

export const dynamic = "force-dynamic";

/** GET /api/v1/cluster/snapshots/{id}: one frozen cluster snapshot. */
export async function GET(_request: Request, context: { params: Promise<{ snapshotId: string }> }): Promise<Response> {
  const { snapshotId } = await context.params;
  return clusterSnapshotHandler(snapshotId, clusterSource());
}
