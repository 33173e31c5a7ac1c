import fs from "node:fs";
import path from "node:path";

/** Directories where engines and `ip netns` keep namespace files. */
const NETNS_DIRS = ["/run/netns", "/run/docker/netns"];

/**
 * Files in the namespace directories that are not an nsfs mount: left behind (Docker leaves them
 * for ~60 s after a container goes), not namespaces.
 */
export function findStaleFiles(mountedPaths: Set<string>, dirs = NETNS_DIRS): string[] {
  const stale: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      if (!mountedPaths.has(file)) stale.push(file);
    }
  }
  return stale;
}
