/**
 * Operating the dashboard as a real process (`npm start`): public probes, JSON log lines from start-up
 * on (Next's own output and the builds' included, never a token), and a graceful stop on SIGTERM with
 * an event stream open: exit 0 within 5 s, the store closed with its write-ahead log checkpointed.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readinessSchema } from "../../server/contract/health";
import { startDashboard, type DashboardServer } from "../e2e/helpers/dashboard-server";
import { labEnv } from "../lab/lab-env";
import { loadLabManifest } from "./helpers/lab-manifest";
import { openSse } from "./helpers/sse-client";

const TOKEN = "t16-operate-token-0123456789";
const bearer = { authorization: `Bearer ${TOKEN}` };
let server: DashboardServer;
// The test's own data directory: the WAL check reads it after the dashboard stopped.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "t16-operate-data-"));

beforeAll(async () => {
  const env = { ...labEnv(loadLabManifest()), NSATLAS_TOKEN: TOKEN, NSATLAS_RECORD_INTERVAL_MS: "1000", NSATLAS_DATA_DIR: dataDir };
  server = await startDashboard(env, 300_000, true);
}, 300_000);
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface LogLine {
  level: string;
  time: string;
  msg: string;
  [field: string]: unknown;
}

function parseLine(line: string): LogLine | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== "object" || value === null || !("level" in value) || !("time" in value) || !("msg" in value)) return undefined;
    return value as LogLine;
  } catch {
    return undefined; // not JSON: counted as unparseable by the caller
  }
}

describe("the dashboard's probes", () => {
  it("answers /livez and /readyz without a token, /api/v1/healthz only with one", async () => {
    const live = await fetch(`${server.url}/livez`, { redirect: "manual" });
    expect(live.status).toBe(200);
    expect(await live.text()).toBe("ok\n");
    let ready = await fetch(`${server.url}/readyz`, { redirect: "manual" });
    for (let i = 0; i < 100 && ready.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      ready = await fetch(`${server.url}/readyz`, { redirect: "manual" });
    }
    expect(ready.status).toBe(200);
    expect(readinessSchema.parse(await ready.json())).toEqual({ isReady: true, notReady: [] });
    expect((await fetch(`${server.url}/api/v1/healthz`, { redirect: "manual" })).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/healthz`, { headers: bearer })).status).toBe(200);
  });

  it("is not ready, and says why, when the store cannot be written", async () => {
    const notADirectory = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "t16-operate-")), "file");
    fs.writeFileSync(notADirectory, "");
    const broken = await startDashboard({ ...labEnv(loadLabManifest()), NSATLAS_DATA_DIR: notADirectory, NSATLAS_RECORD_INTERVAL_MS: "0" });
    try {
      const answer = await fetch(`${broken.url}/readyz`);
      expect(answer.status).toBe(503);
      const readiness = readinessSchema.parse(await answer.json());
      expect(readiness.isReady).toBe(false);
      expect(readiness.notReady.join(" ")).toMatch(/store/i);
    } finally {
      await broken.stop();
      fs.rmSync(path.dirname(notADirectory), { recursive: true, force: true });
    }
  }, 120_000);
});

describe("the dashboard's metrics", () => {
  it("serves Prometheus text behind the token, with requests counted by route template", async () => {
    expect((await fetch(`${server.url}/metrics`, { redirect: "manual" })).status).toBe(401);
    await fetch(`${server.url}/api/v1/netns/4026531840`, { headers: bearer }).then((r) => r.arrayBuffer());
    const answer = await fetch(`${server.url}/metrics`, { headers: bearer });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await answer.text();
    expect(text).toMatch(/^nsatlas_http_requests_total\{route="\/api\/v1\/netns\/\[netnsId\]",method="GET",status="\d{3}"\} [1-9]/m);
    expect(text).not.toContain("4026531840");
    expect(text).toMatch(/^nsatlas_scan_duration_seconds_count [1-9]/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});

describe("the runtime it needs", () => {
  it("refuses a Node.js older than 20.16 in one line", () => {
    const older = "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.9.0' } });";
    const r = spawnSync(process.execPath, ["-e", `${older} import(${JSON.stringify(path.resolve("server/bin/nsatlas.mjs"))})`], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringContaining("needs Node.js 20.16 or newer")]);
    expect(r.stdout).toBe("");
  });
});

describe("the dashboard's log", () => {
  it("is JSON lines from start-up on, with one line per request and no secrets", async () => {
    for (const p of ["/api/v1/snapshot?view=overview", "/netns/1", "/api/v1/pods/%E0%A4%A/x", "/no/such/page"]) {
      await fetch(`${server.url}${p}`, { headers: bearer, redirect: "manual" }).then((r) => r.arrayBuffer());
    }
    await new Promise((r) => setTimeout(r, 200));
    const lines = server
      .output()
      .split("\n")
      .filter((l) => l.trim() !== "");
    const listening = lines.findIndex((l) => parseLine(l)?.msg === "dashboard listening");
    expect(listening).toBeGreaterThan(0);
    const startUp = lines.slice(0, listening + 1);
    const parsedAtStartUp = startUp.filter((l) => parseLine(l) !== undefined).length;
    expect(parsedAtStartUp / startUp.length).toBeGreaterThanOrEqual(0.9);
    const afterStartUp = lines.slice(listening + 1);
    expect(afterStartUp.length).toBeGreaterThan(0);
    expect(afterStartUp.filter((l) => parseLine(l) === undefined)).toEqual([]);

    const requests = afterStartUp.map(parseLine).filter((l) => l?.msg === "request");
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const line of requests) expect(line).toMatchObject({ level: "info", method: "GET", status: expect.any(Number), durationMs: expect.any(Number) });
    const routes = requests.map((l) => l?.route);
    expect(routes).toEqual(expect.arrayContaining(["/api/v1/snapshot", "/netns/[netnsId]", "[malformed]", "[unknown]"]));
    expect(server.output()).not.toContain(TOKEN);
    expect(server.output()).not.toContain("%E0%A4%A");
  });
});

describe("stopping the dashboard", () => {
  it("ends event streams, closes the store and exits 0 within 5 s of SIGTERM", async () => {
    const stream = await openSse(`${server.url}/api/v1/events`, bearer);
    expect(stream.status).toBe(200);
    const started = Date.now();
    await server.stop();
    const ms = Date.now() - started;
    await stream.ended;
    expect(server.exitCode()).toBe(0);
    expect(ms).toBeLessThan(5000);
    const messages = server
      .output()
      .split("\n")
      .map(parseLine)
      .map((l) => l?.msg);
    expect(messages).toEqual(expect.arrayContaining(["dashboard stopping", "dashboard stopped"]));
    expect(fs.existsSync(path.join(dataDir, "nsatlas.db"))).toBe(true);
    const wal = path.join(dataDir, "nsatlas.db-wal");
    expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0);
  });
});
