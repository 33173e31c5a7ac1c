import { parseConfig } from "../../../server/config";
import { SnapshotService } from "../../../server/snapshot/snapshot-service";
import { labEnv } from "../../lab/lab-env";
import type { LabManifest } from "../../lab/manifest";

/** A snapshot service pointed at the lab's engines (overrides replace any setting). */
export function labSnapshotService(manifest: LabManifest, overrides: Record<string, string> = {}): SnapshotService {
  return new SnapshotService(parseConfig({ ...labEnv(manifest), NSATLAS_SNAPSHOT_TTL_MS: "0", ...overrides }));
}
