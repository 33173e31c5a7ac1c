import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { LabConfig } from "./lab-config";
import { isStillOurs, recordProcess, type StartedProcess } from "./lab-state";
import { sleep, tryRun } from "./sh";

/** Starts a long-lived program detached from the lab (its own session), logging to stateDir/logs. */
export function startDetached(
  config: LabConfig,
  role: string,
  cmd: string,
  args: string[],
  options: { env?: Record<string, string>; runsAs?: string } = {},
): StartedProcess {
  const logDir = path.join(config.stateDir, "logs");
  fs.mkdirSync(logDir, { recursive: true });
  const log = fs.openSync(path.join(logDir, `${role}.log`), "a");
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", log, log], env: { ...process.env, ...options.env } });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  child.unref();
  // runsAs: the program the PID will be once it has exec'd (unshare execs its command in place).
  const proc = { role, pid: child.pid, command: options.runsAs ?? cmd };
  recordProcess(config, proc);
  return proc;
}

/** Stops a process the lab started: SIGTERM, then SIGKILL after `graceMs`. Never touches a recycled PID. */
export async function stopProcess(proc: StartedProcess, graceMs = 5000): Promise<void> {
  if (!isStillOurs(proc)) return;
  process.kill(proc.pid, "SIGTERM");
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!isStillOurs(proc)) return;
    await sleep(50);
  }
  if (isStillOurs(proc)) process.kill(proc.pid, "SIGKILL");
  while (isStillOurs(proc) && !isZombie(proc.pid)) await sleep(50);
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** The inode of a namespace file (/run/netns/x, /proc/PID/ns/net) as a decimal string. */
export function netnsInode(file: string): string {
  return String(fs.statSync(file).ino);
}

/** Mount points of nsfs bind mounts in this mount namespace. */
export function nsfsMountPoints(): string[] {
  return fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((line) => line.split(" - ")[1]?.startsWith("nsfs "))
    .map((line) => unescapeMountPath(line.split(" ")[4] ?? ""));
}

/**
 * Unmounts an nsfs bind mount and removes its file, as a dead owner (containerd, dockerd, a killed
 * lab) leaves it. mountinfo names the real path (/run/...), callers may hold the /var/run alias, and
 * a shared /run/netns shows the same file twice, so unmount until it is no longer a mount point.
 */
export function removeNsfsFile(file: string): void {
  const real = realPathOf(file);
  for (let i = 0; i < 4 && nsfsMountPoints().includes(real); i++) tryRun("umount", [real]);
  if (nsfsMountPoints().includes(real)) tryRun("umount", ["-l", real]);
  fs.rmSync(real, { force: true });
}

function realPathOf(file: string): string {
  try {
    return path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
  } catch {
    return file;
  }
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
export function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
