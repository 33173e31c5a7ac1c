/**
 * The npm package: `npm pack` gives a tarball of what runs and nothing else, `npm install -g --prefix <tmp>` installs
 * it from the npm registry (better-sqlite3 compiles from source here: about a minute), and the installed `nsatlas`, run
 * from another working directory, reads the lab: --version, snapshot --json, list, and the agent (probes, snapshot,
 * SIGTERM → exit 0). The agent runs twice: as plain root, and as deploy/systemd/nsatlas.service runs it (its
 * ExecStart and Environment, its capabilities and no_new_privs through setpriv, and a mount namespace of its own where
 * everything is read-only but its state directory, as ProtectSystem=strict and ProtectHome make it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { snapshotSchema, type Snapshot } from "../../server/contract/snapshot";
import { NEEDED_CAPABILITIES, OPTIONAL_CAPABILITIES } from "../../server/privileges";
import { execStartArgv, readUnit, serviceList, serviceValue, setprivArgs, unitEnvironment, UNIT_BIN, type UnitFile } from "../deploy/systemd-unit";
import { labEnv } from "../lab/lab-env";
import type { LabManifest } from "../lab/manifest";
import { freePort } from "./helpers/free-port";
import { loadLabManifest } from "./helpers/lab-manifest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PACKAGE_JSON = z.object({ version: z.string(), private: z.boolean().optional(), dependencies: z.record(z.string(), z.string()) });
const VERSION = PACKAGE_JSON.parse(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"))).version;
/** The dashboard's packages: a global install of the CLI must not pull them (hundreds of MB). */
const DASHBOARD_ONLY = ["next", "react", "react-dom", "@tanstack/react-query", "@xyflow/react", "elkjs", "tsx"];
/** What the tarball must hold: the bin, its Node check, the bundle's entries, the CRI protocol loaded at run time. */
const REQUIRED_FILES = [
  "package.json",
  "README.md",
  "server/bin/nsatlas.mjs",
  "server/bin/require-node.mjs",
  "dist/cli.mjs",
  "dist/netns-reader.worker.mjs",
  "server/runtimes/cri/cri-api.proto",
];
/** Nothing of the sources, the tests, the dashboard or the docs; no source maps (nothing enables them). */
const FORBIDDEN_FILE = /^(test|app|components|public|docs|scripts|deploy|\.next|node_modules)\/|\.map$|\.tsx?$|^dist\/dashboard\.mjs$/;
/** The packed tarball stays small: anything large that slipped in (a build, a fixture) fails this. */
const MAX_PACKED_BYTES = 1024 * 1024;

/** `npm pack --json`: one entry per package. */
const packSchema = z.array(
  z.object({
    filename: z.string(),
    size: z.number(),
    unpackedSize: z.number(),
    entryCount: z.number(),
    files: z.array(z.object({ path: z.string(), size: z.number() })),
  }),
);

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

let manifest: LabManifest;
let unit: UnitFile;
let work: string;
let prefix: string;
let cwd: string;
let packed: z.infer<typeof packSchema>[number];
let installMs = 0;
const children = new Set<ChildProcess>();

/** An environment of exactly `vars` (typed as Node's, whose NODE_ENV the dashboard's types make required). */
function envOf(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) delete env[key];
  return Object.assign(env, vars);
}

/**
 * This process's environment as a user's shell would have it: without what npm sets for the scripts it runs
 * (npm_*), so that the npm run here is the user's own, and without the test runner's NODE_ENV and Node options.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(key) && !["NODE_ENV", "NODE_OPTIONS", "NODE_PATH"].includes(key)) vars[key] = value;
  }
  vars.PATH = `${path.dirname(process.execPath)}:${vars.PATH ?? "/usr/local/bin:/usr/bin:/bin"}`;
  return envOf({ ...vars, ...extra });
}

/** Runs a command to its end (asynchronously: a minute-long install must not block the test runner). */
function exec(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Ran> {
  const started = Date.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const installed = (...parts: string[]) => path.join(prefix, "lib/node_modules/nsatlas", ...parts);
const nsatlasBin = () => path.join(prefix, "bin/nsatlas");
const agentEnv = (dataDir: string) => cleanEnv({ ...labEnv(manifest), NSATLAS_DATA_DIR: dataDir, NSATLAS_NODE_NAME: "", NSATLAS_TOKEN: "" });

function nsatlas(args: string[]): Promise<Ran> {
  return exec(nsatlasBin(), args, { cwd, env: agentEnv(path.join(work, "data-cli")), timeoutMs: 120_000 });
}

/** The lab as the package must see it: every namespace, its engine owners (Docker, CRI over gRPC, podman), no errors. */
function expectLab(snapshot: Snapshot): void {
  const byId = new Map(snapshot.netns.map((n) => [n.id, n]));
  for (const name of ["docker", "podman", "containerd-cri"]) {
    expect(snapshot.runtimes.find((r) => r.name === name)?.state, name).toBe("ok");
  }
  expect(manifest.netns.length).toBeGreaterThan(5);
  for (const lab of manifest.netns) {
    const netns = byId.get(lab.inode);
    expect(netns, lab.key).toBeDefined();
    expect(netns?.errors, lab.key).toEqual([]);
    if (["docker-container", "kubernetes-pod", "podman-pod", "ip-netns"].includes(lab.owner.kind)) {
      expect(
        netns?.owners.map((o) => o.kind),
        lab.key,
      ).toContain(lab.owner.kind);
    }
  }
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
}

async function waitFor(what: string, timeoutMs: number, child: ChildProcess, output: () => string, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the agent exited (${child.exitCode ?? child.signalCode}) before ${what}: ${output()}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`no ${what} within ${timeoutMs} ms: ${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts an agent command, checks its probes and its snapshot against the lab, lets `inspect` look at it, stops it with SIGTERM. */
async function runAgent(argv: string[], env: NodeJS.ProcessEnv, port: number, inspect: (pid: number) => void = () => {}): Promise<{ stopMs: number }> {
  const [command = "", ...args] = argv;
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      "/livez",
      30_000,
      child,
      () => output,
      async () => (await get(`${url}/livez`)).text.trim() === "ok",
    );
    await waitFor(
      "/readyz 200",
      60_000,
      child,
      () => output,
      async () => (await get(`${url}/readyz`)).status === 200,
    );
    const snapshot = await fetch(`${url}/api/v1/snapshot`);
    expect(snapshot.status).toBe(200);
    expectLab(snapshotSchema.parse(await snapshot.json()));
    if (child.pid !== undefined) inspect(child.pid);
    const started = Date.now();
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code, output).toBe(0);
    return { stopMs: Date.now() - started };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    children.delete(child);
  }
}

/**
 * Runs its arguments as systemd would with the unit's file system settings: in a mount namespace of its own (made by
 * `unshare`; mounts made on the host later still propagate in), every mount read-only but /proc, /sys and /dev
 * (ProtectSystem=strict), homes hidden (ProtectHome=yes), the state directory writable (StateDirectory=). /tmp stays
 * read-only too, stricter than PrivateTmp=yes (a private, writable one), because the installed package lives there
 * in this test. It refuses to run in a mount namespace that is not its own.
 */
const SANDBOX = String.raw`set -eu
host_mntns=$1; state=$2; shift 2
if [ "$(readlink /proc/self/ns/mnt)" = "$host_mntns" ]; then echo "not in a mount namespace of its own" >&2; exit 97; fi
awk '{ print $5 }' /proc/self/mountinfo | sort -u | while read -r mp; do
  case "$mp" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac
  mount -o remount,bind,ro "$mp" 2>/dev/null || true
done
for home in /root /home /run/user; do
  if [ -d "$home" ]; then mount -t tmpfs -o ro,mode=0755 tmpfs "$home"; fi
done
mount --bind "$state" "$state"
mount -o remount,bind,rw "$state"
for dir in / /etc /usr /var/lib /run /tmp; do
  if touch "$dir/.nsatlas-sandbox-probe" 2>/dev/null; then rm -f "$dir/.nsatlas-sandbox-probe"; echo "$dir is writable" >&2; exit 98; fi
done
exec "$@"`;

/** The capabilities a /proc/PID/status line holds, as names (only those nsatlas knows: any other bit fails the test). */
function capabilityNames(status: string, field: string): string[] {
  const hex = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, "m").exec(status)?.[1];
  if (hex === undefined) throw new Error(`no ${field} in /proc/PID/status`);
  let bits = BigInt(`0x${hex}`);
  const names: string[] = [];
  for (const { name, bit } of [...NEEDED_CAPABILITIES, ...OPTIONAL_CAPABILITIES]) {
    if ((bits & (1n << BigInt(bit))) !== 0n) names.push(name);
    bits &= ~(1n << BigInt(bit));
  }
  if (bits !== 0n) throw new Error(`${field} holds capabilities beyond nsatlas's: 0x${bits.toString(16)}`);
  return names.sort();
}

beforeAll(async () => {
  manifest = loadLabManifest();
  unit = readUnit();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-npm-package-"));
  prefix = path.join(work, "prefix");
  cwd = path.join(work, "elsewhere");
  for (const dir of [cwd, path.join(work, "pack")]) fs.mkdirSync(dir);

  // prepack (and prepare) rebuild dist/ first.
  const pack = await exec("npm", ["pack", "--json", "--pack-destination", path.join(work, "pack")], { cwd: ROOT, env: cleanEnv(), timeoutMs: 300_000 });
  expect(pack.code, pack.stderr).toBe(0);
  const [entry] = packSchema.parse(JSON.parse(pack.stdout));
  if (entry === undefined) throw new Error(`npm pack printed no package: ${pack.stdout}`);
  packed = entry;

  // As a user would (docs/install-npm-systemd.md): the two native addons' install scripts approved.
  const install = await exec(
    "npm",
    ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", "--allow-scripts=better-sqlite3,koffi", path.join(work, "pack", packed.filename)],
    { cwd, env: cleanEnv(), timeoutMs: 900_000 },
  );
  installMs = install.ms;
  expect(install.code, install.stdout + install.stderr).toBe(0);
  console.log(
    `npm package: ${packed.filename} ${(packed.size / 1024).toFixed(1)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KiB unpacked, ` +
      `${packed.entryCount} files; npm install -g took ${(installMs / 1000).toFixed(1)} s`,
  );
}, 1_200_000);

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("holds what runs and nothing else: the bin, the bundle without the dashboard or source maps, the CRI protocol", () => {
    const files = packed.files.map((f) => f.path).sort();
    for (const file of REQUIRED_FILES) expect(files).toContain(file);
    expect(files.filter((f) => FORBIDDEN_FILE.test(f))).toEqual([]);
    expect(files.every((f) => f === "package.json" || f === "README.md" || /^(dist|server\/bin|server\/runtimes\/cri)\//.test(f))).toBe(true);
    expect(packed.size).toBeLessThan(MAX_PACKED_BYTES);
    // Every module the bundle imports by a relative path was packed (a chunk left out fails only on the path that loads it).
    for (const file of files.filter((f) => f.endsWith(".mjs"))) {
      const text = fs.readFileSync(installed(file), "utf8");
      for (const [, spec = ""] of text.matchAll(/(?:from|import\()\s*["'](\.{1,2}\/[^"']+)["']/g)) {
        const target = path.posix.join(path.posix.dirname(file), spec);
        // `nsatlas dashboard` loads the dashboard's process, left out on purpose (it needs Next.js and a build).
        if (target !== "dist/dashboard.mjs") expect(files, `${file} imports ${spec}`).toContain(target);
      }
    }
  });

  it("installs lean: the CLI's runtime dependencies only, none of the dashboard's", () => {
    const pkg = PACKAGE_JSON.parse(JSON.parse(fs.readFileSync(installed("package.json"), "utf8")));
    expect(pkg.private).toBe(true);
    for (const name of DASHBOARD_ONLY) {
      expect(Object.keys(pkg.dependencies)).not.toContain(name);
      expect(fs.existsSync(installed("node_modules", name)), name).toBe(false);
    }
    for (const name of ["better-sqlite3", "koffi", "zod", "@grpc/grpc-js", "@grpc/proto-loader", "pino", "prom-client"]) {
      expect(fs.existsSync(installed("node_modules", name, "package.json")), name).toBe(true);
    }
    expect(fs.realpathSync(nsatlasBin())).toBe(installed("server/bin/nsatlas.mjs"));
  });

  it("nsatlas --version, from another working directory", async () => {
    const r = await nsatlas(["--version"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it("nsatlas snapshot --json reads the lab: every namespace, owners from Docker, CRI and podman", async () => {
    const r = await nsatlas(["snapshot", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expectLab(snapshotSchema.parse(JSON.parse(r.stdout)));
  });

  it("nsatlas list shows every lab namespace", async () => {
    const r = await nsatlas(["list"]);
    expect(r.code, r.stderr).toBe(0);
    const ids = new Set(r.stdout.split("\n").map((line) => line.split(/\s+/)[0]));
    for (const lab of manifest.netns) expect(ids.has(lab.inode), lab.key).toBe(true);
  });

  it("nsatlas dashboard is not in the package: one line that says so, exit 1", async () => {
    const r = await nsatlas(["dashboard"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^nsatlas dashboard: /)]);
  });

  it("nsatlas agent: /livez, /readyz, the snapshot, and exit 0 on SIGTERM", { timeout: 120_000 }, async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(work, "data-agent-"));
    const { stopMs } = await runAgent([nsatlasBin(), "agent", "--listen", `127.0.0.1:${port}`], agentEnv(dataDir), port);
    expect(stopMs).toBeLessThan(5_000);
    expect(fs.existsSync(path.join(dataDir, "nsatlas.db"))).toBe(true);
  });

  it("nsatlas agent as deploy/systemd/nsatlas.service runs it: its capabilities only, no_new_privs, a read-only host", { timeout: 180_000 }, async () => {
    const port = await freePort();
    const state = fs.mkdtempSync(path.join(work, "state-"));
    // The unit's own environment, with the state directory and the port of this run (the EnvironmentFile's part: the lab's sockets).
    const env: Record<string, string> = { ...unitEnvironment(unit), NSATLAS_AGENT_LISTEN: `127.0.0.1:${port}`, NSATLAS_DATA_DIR: state };
    const execStart = execStartArgv(unit, env);
    expect(execStart[0]).toBe(UNIT_BIN);
    const argv = [
      "unshare",
      "--mount",
      "--propagation",
      "slave",
      "bash",
      "-c",
      SANDBOX,
      "sandbox",
      fs.readlinkSync("/proc/self/ns/mnt"),
      state,
      "setpriv",
      ...setprivArgs(unit),
      "--",
      nsatlasBin(),
      ...execStart.slice(1),
    ];
    // What systemd gives a root service: a plain PATH and HOME, then the unit's and the env file's variables.
    const systemdEnv = envOf({
      PATH: `${path.dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: "/root",
      USER: "root",
      LOGNAME: "root",
      ...env,
      ...labEnv(manifest),
    });
    const unitCaps = serviceList(unit, "CapabilityBoundingSet");
    const { stopMs } = await runAgent(argv, systemdEnv, port, (pid) => {
      // unshare, bash and setpriv each exec the next: the agent is the process started.
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      expect(fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim()).toBe("node");
      for (const field of ["CapEff", "CapPrm", "CapBnd", "CapAmb"]) expect(capabilityNames(status, field), field).toEqual(unitCaps);
      expect(status).toMatch(/^NoNewPrivs:\s*1$/m);
      expect(status).toMatch(/^Uid:\s*0\s/m);
      expect(fs.readlinkSync(`/proc/${pid}/ns/mnt`)).not.toBe(fs.readlinkSync("/proc/self/ns/mnt"));
      expect(fs.readlinkSync(`/proc/${pid}/ns/net`)).toBe(fs.readlinkSync("/proc/self/ns/net"));
    });
    expect(stopMs).toBeLessThan(Number(serviceValue(unit, "TimeoutStopSec")) * 1000);
    // It wrote its history where the unit's StateDirectory is, and could write nowhere else.
    expect(fs.existsSync(path.join(state, "nsatlas.db"))).toBe(true);
  });
});
