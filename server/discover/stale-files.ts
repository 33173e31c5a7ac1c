import fs from "node:fs";
import path from "node:path";
import { errnoCode, hasErrnoCode, logUnexpected } from "../log/failures";
import { logger } from "../log/logger";

/** Directories where engines and `ip netns` keep namespace files. */
const NETNS_DIRS = ["/run/netns", "/run/docker/netns"];

/**
 * Files in the namespace directories that are not an nsfs mount: left behind (Docker leaves them
 * for ~60 s after a container goes), not namespaces.
 */
export function findStaleFiles(mountedPaths: Pick<ReadonlySet<string>, "has">, dirs = NETNS_DIRS): string[] {
  const stale: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch (err) {
      // No such directory: that engine (or `ip netns`) never ran here, nothing is left behind.
      if (hasErrnoCode(err, ["ENOENT", "ENOTDIR"])) logger().debug({ dir, code: errnoCode(err) }, "no namespace directory to check for stale files");
      else logUnexpected("listing a namespace directory", err, { dir });
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      if (!mountedPaths.has(file)) stale.push(file);
    }
  }
  return stale;
}
