import fs from "node:fs";
import { hostLinksWithPrefix } from "./host-links";
import type { LabConfig } from "./lab-config";
import { readState } from "./lab-state";
import { DOCKER_SOCKET } from "./parts/docker-engine";
import { tryRun } from "./sh";

/** What the lab made that is still there: empty after a clean `lab:down`. */
export function labLeftovers(config: LabConfig): string[] {
  const found: string[] = [];
  const p = config.prefix;
  for (const line of tryRun("ip", ["netns", "list"]).out.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    if (name.startsWith(`${p}-`)) found.push(`netns ${name}`);
  }
  for (const link of hostLinksWithPrefix(p)) found.push(`link ${link}`);
  for (const line of fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const mountPoint = line.split(" ")[4] ?? "";
    if (mountPoint.startsWith(config.stateDir) || mountPoint.startsWith(config.dataDir)) found.push(`mount ${mountPoint}`);
  }
  for (const dir of [config.stateDir, config.dataDir]) if (fs.existsSync(dir)) found.push(`directory ${dir}`);
  for (const proc of readState(config).processes) found.push(`process ${proc.pid} (${proc.role})`);
  if (fs.existsSync(DOCKER_SOCKET)) {
    const containers = tryRun("docker", ["ps", "-aq", "--filter", `label=${config.label}`], { timeoutMs: 10_000 });
    if (containers.ok) for (const id of containers.out.split("\n").filter(Boolean)) found.push(`docker container ${id}`);
  }
  return found;
}
