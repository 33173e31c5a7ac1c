import fs from "node:fs";
import { hasErrnoCode, logUnexpected, WALK_EXPECTED } from "../log/failures";

/** "net:[4026531993]" → "4026531993"; undefined for anything else. */
export function inodeFromNsLink(link: string, type = "net"): string | undefined {
  if (!link.startsWith(`${type}:[`) || !link.endsWith("]")) return undefined;
  const inode = link.slice(type.length + 2, -1);
  return /^\d+$/.test(inode) ? inode : undefined;
}

/** readlink of a /proc namespace file as an inode; undefined when the process is gone or hidden. */
export function readNsLink(file: string, type = "net"): string | undefined {
  try {
    return inodeFromNsLink(fs.readlinkSync(file), type);
  } catch (err) {
    // ENOENT/ESRCH (exited), EACCES/EPERM (not ours to read): both normal during a walk, and quiet.
    if (!hasErrnoCode(err, WALK_EXPECTED)) logUnexpected("readlink of a namespace file", err, { file });
    return undefined;
  }
}
