/**
 * The real dashboard (dist/dashboard.mjs, the build in .next) started in hub mode INSIDE a simulated cluster's hub
 * netns (test/cluster/), as an unprivileged hub pod would run beside the agents: `ip netns exec <prefix>-hub node
 * dist/dashboard.mjs` on 127.0.0.1:<port> there, reached through the cluster's hub gateway (cluster.hub.get). Its
 * DNS is the cluster's (the headless Service name), its token the cluster's unless the env says otherwise. Stopped by
 * its PID (`ip netns exec` execs node in place), SIGTERM then SIGKILL.
 * Also: a tiny HTTP server in the hub netns whose every answer the test sets (an agent answering garbage).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Cluster } from "../../cluster/cluster";
import type { HubResponse } from "../../cluster/hub-client";
import { dashboardBuildIsCurrent as buildIsCurrentAt } from "../../../server/bin/build-freshness";
import { sleep } from "../../lab/sh";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const NEXT_BIN = path.join(ROOT, "node_modules/.bin/next");
/** Has .next a build newer than every source, with the hub's routes in it? */
export function dashboardBuildIsCurrent(): boolean {
  return fs.existsSync(path.join(ROOT, ".next/server/app/api/v1/cluster/nodes")) && buildIsCurrentAt(ROOT);
}

/** Builds the dashboard (`next build`) when .next is missing or older than the sources; dist/ is vitest's global setup's. */
export function ensureDashboardBuild(): void {
  if (!fs.existsSync(path.join(ROOT, "dist/dashboard.mjs"))) throw new Error("dist/dashboard.mjs is missing: run node scripts/build-server.mjs");
  if (dashboardBuildIsCurrent()) return;
  const started = Date.now();
  const build = spawnSync(NEXT_BIN, ["build"], { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, encoding: "utf8", timeout: 900_000 });
  if (build.status !== 0) throw new Error(`next build failed (${build.status}): ${`${build.stdout}${build.stderr}`.slice(-3000)}`);
  console.log(`hub-dashboard: next build took ${Date.now() - started} ms`);
}

export interface HubDashboard {
  /** The dashboard's PID (node's, in the host's pid namespace). */
  pid: number;
  /** `http://127.0.0.1:<port>`, as seen from the hub netns. */
  base: string;
  /** GET a path through the hub gateway (the cluster's bearer token unless `auth: false`). */
  get(pathAndQuery: string, options?: { auth?: boolean; timeoutMs?: number }): Promise<HubResponse>;
  /** GET and JSON.parse a 200 answer (anything else throws, with the body). */
  json(pathAndQuery: string): Promise<unknown>;
  /** Its output so far (JSON log lines). */
  output(): string;
  /** The data directory it was given (hub mode must leave it empty). */
  dataDir: string;
  exitCode(): number | null;
  /** SIGTERM by PID, SIGKILL after 10 s; resolves once it exited. */
  stop(): Promise<void>;
}

/** A port in the hub netns nobody uses: only dnsmasq (53) and what a test starts listen there. */
function hubPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

function spawnInHub(cluster: Cluster, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn("ip", ["netns", "exec", cluster.manifest.hub.netns, process.execPath, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
}

function collect(child: ChildProcess): () => string {
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  return () => output;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(child.pid, "SIGTERM");
    const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
}

/** NSATLAS_AGENTS for a hub over every agent of the cluster: the headless Service's DNS name, as in Kubernetes. */
export const agentsByDns = (cluster: Cluster) => `dns:${cluster.manifest.serviceName}:${cluster.manifest.agentPort}`;

/**
 * Starts the dashboard in the cluster's hub netns with `env` over the defaults (NSATLAS_AGENTS must be given) and
 * waits until /readyz answers 200 through the gateway.
 */
export async function startHubDashboard(cluster: Cluster, env: Record<string, string>, timeoutMs = 120_000): Promise<HubDashboard> {
  const port = hubPort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-hub-data-"));
  const child = spawnInHub(cluster, [path.join(ROOT, "dist/dashboard.mjs")], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NSATLAS_HOST: "127.0.0.1",
    PORT: String(port),
    NSATLAS_TOKEN: cluster.manifest.token,
    NSATLAS_DATA_DIR: dataDir,
    ...env,
  });
  const output = collect(child);
  const base = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  const dashboard: HubDashboard = {
    pid: child.pid ?? 0,
    base,
    dataDir,
    output,
    exitCode: () => child.exitCode,
    get: (pathAndQuery, options = {}) => cluster.hub.get(`${base}${pathAndQuery}`, options),
    async json(pathAndQuery) {
      const res = await cluster.hub.get(`${base}${pathAndQuery}`);
      if (res.status !== 200) throw new Error(`GET ${pathAndQuery} from the hub: ${res.status} ${res.body.slice(0, 500)}`);
      return JSON.parse(res.body);
    },
    async stop() {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the hub dashboard exited with ${child.exitCode}: ${output().slice(-3000)}`);
    const res = await cluster.hub.get(`${base}/readyz`, { auth: false, timeoutMs: 2000 }).catch(() => undefined);
    if (res?.status === 200) return dashboard;
    if (Date.now() > until) {
      await dashboard.stop();
      throw new Error(`the hub dashboard was not ready within ${timeoutMs} ms: ${output().slice(-3000)}`);
    }
    await sleep(200);
  }
}

/** Runs the dashboard in the hub netns with `env` expecting it to refuse to start: its exit code and output. */
export async function hubDashboardExit(cluster: Cluster, env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const child = spawnInHub(cluster, [path.join(ROOT, "dist/dashboard.mjs")], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    NSATLAS_HOST: "127.0.0.1",
    PORT: String(hubPort()),
    NSATLAS_TOKEN: cluster.manifest.token,
    ...env,
  });
  const output = collect(child);
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      void stopper(child)().then(() => resolve(null));
    }, timeoutMs);
    child.once("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { code, output: output() };
}

export interface FakeHubServer {
  /** `http://<address>:<port>` as the hub netns reaches it. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A small HTTP server in the hub netns on `port`: every path answers `body` with `status` and `contentType`
 * (an agent answering garbage, or a healthz of another version).
 */
export async function startFakeServerInHub(
  cluster: Cluster,
  port: number,
  answers: Record<string, { status: number; contentType: string; body: string }>,
): Promise<FakeHubServer> {
  const script = `
    const http = require("node:http");
    const answers = ${JSON.stringify(answers)};
    http.createServer((req, res) => {
      const a = answers[new URL(req.url, "http://x").pathname] ?? answers["*"];
      res.writeHead(a.status, { "content-type": a.contentType });
      res.end(a.body);
    }).listen(${port}, "127.0.0.1", () => console.log("listening"));
  `;
  const child = spawnInHub(cluster, ["-e", script], { PATH: process.env.PATH, NODE_ENV: "production" });
  const output = collect(child);
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 20_000;
  while (!output().includes("listening")) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`the fake server on ${port} did not start: ${output()}`);
    await sleep(50);
  }
  return { url, stop: stopper(child) };
}
