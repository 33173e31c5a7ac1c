/**
 * Containers of the image under test: each named t17img-<role>-<random>, removed by the test that made it (and by
 * removeAll() after the suite), so nothing of another owner on this Docker is ever touched.
 */
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import { sleep } from "../lab/sh";

export const PREFIX = "t17img";
const DOCKER = fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
const made = new Set<string>();

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function docker(args: string[], timeoutMs = 120_000): Ran {
  const r = spawnSync(DOCKER, args, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error?.message ?? ""}` };
}

export function containerName(role: string): string {
  const name = `${PREFIX}-${role}-${crypto.randomBytes(3).toString("hex")}`;
  made.add(name);
  return name;
}

/** `docker run --rm` to the end; the container is named so that a timeout can still remove it. */
export function runOnce(role: string, options: string[], command: string[], timeoutMs = 120_000): Ran {
  const name = containerName(role);
  const r = docker(["run", "--rm", "--name", name, ...options, ...command], timeoutMs);
  remove(name);
  return r;
}

/** `docker run -d`; returns the container's name. */
export function start(role: string, options: string[], command: string[]): string {
  const name = containerName(role);
  const r = docker(["run", "-d", "--name", name, ...options, ...command]);
  if (r.status !== 0) throw new Error(`docker run ${name} failed: ${r.stderr.trim()}`);
  return name;
}

export function logs(name: string): string {
  const r = docker(["logs", name]);
  return `${r.stdout}${r.stderr}`;
}

export function remove(name: string): void {
  docker(["rm", "-f", "-v", name], 60_000);
  made.delete(name);
}

export function removeAll(): void {
  for (const name of [...made]) remove(name);
}

/**
 * The status of a GET, or undefined when it fails or takes over 2 s. node:http, not fetch: behind Docker's port
 * publishing, a container not listening yet resets the connection, and Node 20's fetch then never settles.
 */
function statusOf(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
  });
}

/** Polls `url` until it answers 200, the container exits, or `timeoutMs` passes; resolves with the time it took. */
export async function waitForHttp(url: string, name: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await statusOf(url)) === 200) return Date.now() - started;
    if (docker(["inspect", "--format", "{{.State.Running}}", name]).stdout.trim() !== "true") {
      throw new Error(`${name} stopped before answering ${url}:\n${logs(name).slice(-2000)}`);
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${logs(name).slice(-2000)}`);
}

/** Streams `docker save <image>` (every layer, uncompressed) and says which of `needles` occur anywhere in it. */
export function foundInSavedImage(image: string, needles: string[]): Promise<string[]> {
  const wanted = needles.map((n) => Buffer.from(n));
  const keep = Math.max(0, ...wanted.map((n) => n.length)) - 1;
  const found = new Set<number>();
  return new Promise((resolve, reject) => {
    const child = spawn(DOCKER, ["save", image], { stdio: ["ignore", "pipe", "pipe"] });
    let tail = Buffer.alloc(0);
    let errors = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const window = Buffer.concat([tail, chunk]);
      wanted.forEach((needle, i) => {
        if (!found.has(i) && window.includes(needle)) found.add(i);
      });
      tail = window.subarray(Math.max(0, window.length - keep));
    });
    child.stderr.on("data", (b: Buffer) => (errors += b.toString()));
    child.on("close", (code) => (code === 0 ? resolve([...found].map((i) => needles[i] ?? "")) : reject(new Error(`docker save ${image}: ${errors.trim()}`))));
  });
}
