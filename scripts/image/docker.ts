/**
 * The Docker client `npm run image` builds with, and the checks that turn a machine that cannot build into one line
 * saying what to do (ImageError): no client, no daemon, no BuildKit.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** A refusal or failure of `npm run image`, in one line that says what to do. */
export class ImageError extends Error {}

export interface DockerClient {
  /** The client's path. */
  bin: string;
  /** Its environment: DOCKER_BUILDKIT=1, so that `docker build` is BuildKit's. */
  env: NodeJS.ProcessEnv;
}

/** Runs the client; never throws (the caller reads status and output). */
export function docker(client: DockerClient, args: string[], options: { input?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(client.bin, args, {
    env: client.env,
    encoding: "utf8",
    input: options.input,
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** Like docker(), but a failure throws, with the first line of what the client said. */
export function dockerOk(client: DockerClient, args: string[], options: { input?: string; timeoutMs?: number } = {}): string {
  const r = docker(client, args, options);
  if (r.status !== 0) throw new ImageError(`docker ${args[0] ?? ""} failed: ${firstLine(r.stderr || r.stdout || r.error?.message || "")}`);
  return r.stdout;
}

export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "") ?? "(no output)"
  );
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const file = path.join(dir || ".", name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/**
 * A client whose `docker build` is BuildKit's: one with the buildx plugin, or one older than 23 (which has BuildKit
 * built in; Debian's docker.io client, /usr/bin/docker, is 20.10). The daemon must answer.
 */
export function dockerClient(): DockerClient {
  const candidates = [...new Set([onPath("docker"), "/usr/bin/docker"].filter((c): c is string => c !== undefined && fs.existsSync(c)))];
  const [first] = candidates;
  if (first === undefined) throw new ImageError("no docker client found: install Docker (Debian: apt-get install docker.io) and start it");
  const env = { ...process.env, DOCKER_BUILDKIT: "1" };
  const daemon = docker({ bin: first, env }, ["version", "--format", "{{.Server.Version}}"], { timeoutMs: 20_000 });
  if (daemon.status !== 0) {
    const why = firstLine(daemon.stderr || daemon.error?.message || "");
    if (/permission denied/i.test(why))
      throw new ImageError(`Docker's socket refused this user (${why}): run npm run image as root or as a member of the docker group`);
    throw new ImageError(`Docker is not running (${why}): start it (systemctl start docker, or dockerd &) and run npm run image again`);
  }
  for (const bin of candidates) {
    if (docker({ bin, env }, ["buildx", "version"], { timeoutMs: 20_000 }).status === 0) return { bin, env };
    const version = docker({ bin, env }, ["version", "--format", "{{.Client.Version}}"], { timeoutMs: 20_000 }).stdout.trim();
    const major = Number(/^(\d+)\./.exec(version)?.[1] ?? "NaN");
    if (major < 23) return { bin, env };
  }
  throw new ImageError(
    `BuildKit is needed (the Dockerfile mounts the CA bundle as a build secret) and ${candidates.join(", ")} has no buildx plugin: install docker-buildx-plugin (Debian: docker-buildx), or Debian's docker.io client`,
  );
}

/** Is there an image of this name here? */
export function hasImage(client: DockerClient, image: string): boolean {
  return docker(client, ["image", "inspect", "--format", "{{.Id}}", image], { timeoutMs: 20_000 }).status === 0;
}
