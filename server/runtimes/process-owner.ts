import fs from "node:fs";
import { errorFields, logger } from "../log/logger";
import { isProcessGone } from "./process-start-time";

export interface ProcessDescription {
  name: string;
  cgroup?: string;
  unit?: string;
}

const MAX_COMMAND = 300;

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
  const unit = cgroup
    ?.split("/")
    .reverse()
    .find((part) => /\.(service|scope)$/.test(part));
  return { name, ...(cgroup ? { cgroup } : {}), ...(unit ? { unit } : {}) };
}

/** cgroup v2's single line ("0::/path"), else v1's name=systemd hierarchy, else the first one. */
function parseCgroup(text: string): string | undefined {
  const lines = text
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(":"));
  const pick = lines.find((l) => l[0] === "0" && l[1] === "") ?? lines.find((l) => l[1] === "name=systemd") ?? lines[0];
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
