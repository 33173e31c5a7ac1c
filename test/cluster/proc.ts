import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { sleep } from "../lab/sh";

/** A process's command line (NULs as spaces), or undefined when it is gone (or a zombie). */
export function cmdlineOf(pid: number): string | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return text === "" ? undefined : text.split("\0").join(" ").trim();
  } catch {
    return undefined;
  }
}

/**
 * Has the process not finished exiting? Its command line is no test (it reads empty for a moment while a
 * process execs, and is gone before the process's files are closed), nor is the leader's zombie state
 * alone: the files, sockets included, close only when its last thread has exited.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return !(state === "Z" || state === "X") || fs.readdirSync(`/proc/${pid}/task`).length > 1;
  } catch {
    return false;
  }
}

/** When a process started (clock ticks after boot): with the PID, tells a process from a later one that reused its PID. */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The fields after the command name (which may hold spaces and parentheses): state is the 3rd field, starttime the 22nd.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** The direct children of a process, as the host numbers them. */
export function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** NSpid: a process's PID in each pid namespace it is in, the host's first and its own last. */
export function nsPids(pid: number): number[] {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("NSpid:"));
    return (line ?? "").slice("NSpid:".length).trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Resident memory in KiB, or 0 when the process is gone. */
export function rssKiB(pid: number): number {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmRSS:"));
    return Number((line ?? "").replace(/\D+/g, "")) || 0;
  } catch {
    return 0;
  }
}

/** The inode of a namespace file (/proc/PID/ns/net, a bind mount) as a decimal string. */
export function nsInode(file: string): string {
  return String(fs.statSync(file).ino);
}

/** Polls `find` until it returns a value, or fails with `what` after `timeoutMs`. */
export async function poll<T>(what: string, timeoutMs: number, find: () => T | undefined, everyMs = 10): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Starts a long-lived program in its own session, detached from the caller, logging to `log`. The PID
 * is the program's own (nothing forks in between). The caller records it before anything else happens.
 */
export function spawnDetached(cmd: string, args: string[], log: string, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): number {
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const fd = fs.openSync(log, "a");
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ["ignore", fd, fd], env: options.env ?? process.env, cwd: options.cwd ?? "/" });
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    child.on("error", () => undefined);
    child.unref();
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

/** The last lines of a log, for an error message. */
export function logTail(log: string, lines = 20): string {
  try {
    return fs.readFileSync(log, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
