/**
 * Two scans of the node through the snapshot service, printed as JSON: how the second one read its
 * namespaces, and what it saw (for the least-privilege runs under setpriv, which need a process of
 * their own). Engines come from the environment (the lab's).
 */
import { parseConfig } from "../../../server/config";
import { SnapshotService } from "../../../server/snapshot/snapshot-service";

const service = new SnapshotService(parseConfig({ ...process.env, NSATLAS_SNAPSHOT_TTL_MS: "0" }));
try {
  await service.snapshot({ fresh: true });
  const second = await service.snapshot({ fresh: true });
  const reads = service.lastReads;
  const shape = second.netns
    .map(
      (n) => `${n.id} ${n.interfaces.map((i) => `${i.name}:${i.mtu}:${i.operState}:${i.peer?.netnsId ?? ""}`).join(",")} ${n.routes.length} ${n.errors.length}`,
    )
    .sort();
  process.stdout.write(JSON.stringify({ full: reads?.full, countersOnly: reads?.countersOnly, watch: reads?.watch, shape }));
} finally {
  service.close();
}
