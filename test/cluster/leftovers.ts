import fs from "node:fs";
import { hostLinksWithPrefix } from "../lab/host-links";
import { tryRun } from "../lab/sh";
import { clusterConfig } from "./cluster-config";
import { isStillOurs, readClusterState } from "./cluster-state";
import { cmdlineOf } from "./proc";

/**
 * What the cluster `prefix` made that is still there: empty after a clean clusterDown. Besides the state
 * file's processes it scans /proc for command lines only the cluster uses (a node's pid 1 is
 * `<prefix>-node-<n> …`; dnsmasq and the hub gateway name the state directory), so it also finds what a
 * lost state file no longer lists.
 */
export function clusterLeftovers(prefix?: string): string[] {
  const config = clusterConfig(prefix);
  const found: string[] = [];
  for (const line of tryRun("ip", ["netns", "list"]).out.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    if (name.startsWith(`${config.prefix}-`)) found.push(`netns ${name}`);
  }
  for (const link of hostLinksWithPrefix(config.prefix)) found.push(`link ${link}`);
  if (fs.existsSync(config.hubEtcDir)) found.push(`directory ${config.hubEtcDir}`);
  if (fs.existsSync(config.stateDir)) found.push(`directory ${config.stateDir}`);
  for (const line of fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const mountPoint = line.split(" ")[4] ?? "";
    if (mountPoint.startsWith(config.stateDir) || mountPoint.startsWith(config.hubEtcDir)) found.push(`mount ${mountPoint}`);
  }
  const seen = new Set<number>();
  if (fs.existsSync(config.stateDir)) {
    for (const proc of readClusterState(config).processes) {
      if (isStillOurs(proc)) {
        seen.add(proc.pid);
        found.push(`process ${proc.pid} (${proc.role})`);
      }
    }
  }
  const nodeName = new RegExp(`^${config.prefix}-node-\\d+ `);
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || seen.has(Number(entry))) continue;
    const cmd = cmdlineOf(Number(entry));
    if (cmd !== undefined && (nodeName.test(cmd) || cmd.includes(`${config.stateDir}/`))) found.push(`process ${entry} (${cmd.slice(0, 80)})`);
  }
  return found;
}
