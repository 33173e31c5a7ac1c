import fs from "node:fs";
import { errorFields, logger } from "../log/logger";
import { isProcessGone } from "./process-start-time";

export interface ProcessDescription {
  name: string;
  cgroup?: string;
  unit?: string;
}

const MAX_COMMAND = 300;

// Called for each process-held namespace on every scan: module-level callbacks keep their optimised code (V8 drops
// that of closures made per call at each full GC).
const isUnit = (part: string) => /\.(service|scope)$/.test(part);
const fields = (line: string) => line.split(":");
const isV2 = (l: string[]) => l[0] === "0" && l[1] === "";
const isSystemdV1 = (l: string[]) => l[1] === "name=systemd";

/** Command line, cgroup and systemd unit of a process (for namespaces no engine claims). */
export function describeProcess(pid: number, proc = "/proc"): ProcessDescription {
  let name = "";
  try {
    name = fs.readFileSync(`${proc}/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ").slice(0, MAX_COMMAND);
  } catch (err) {
    // Exited since it was found: the comm fallback below says so. Anything else is logged, then the same fallback.
    if (!isProcessGone(err)) logger().debug({ pid, err: errorFields(err) }, "cannot read the process's command line");
  }
  if (name === "") {
    try {
      name = `[${fs.readFileSync(`${proc}/${pid}/comm`, "utf8").trim()}]`;
    } catch (err) {
      if (!isProcessGone(err)) logger().debug({ pid, err: errorFields(err) }, "cannot read the process's name");
      name = `pid ${pid}`;
    }
  }
  const cgroup = readCgroup(pid, proc);
  const unit = cgroup?.split("/").reverse().find(isUnit);
  return { name, ...(cgroup ? { cgroup } : {}), ...(unit ? { unit } : {}) };
}

/** cgroup v2's single line ("0::/path"), else v1's name=systemd hierarchy, else the first one. */
function parseCgroup(text: string): string | undefined {
  const lines = text.split("\n").filter(Boolean).map(fields);
  const pick = lines.find(isV2) ?? lines.find(isSystemdV1) ?? lines[0];
  const path = pick?.slice(2).join(":");
  return path === undefined || path === "" ? undefined : path;
}

function readCgroup(pid: number, proc: string): string | undefined {
  try {
    return parseCgroup(fs.readFileSync(`${proc}/${pid}/cgroup`, "utf8"));
  } catch (err) {
    // Exited: no cgroup to name. Anything else is logged; the owner is shown without its cgroup either way.
    if (!isProcessGone(err)) logger().debug({ pid, err: errorFields(err) }, "cannot read the process's cgroup");
    return undefined;
  }
}
