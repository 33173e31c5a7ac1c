/**
 * `nsatlas agent` as a real process against the lab: GET /metrics behind the token, in the Prometheus
 * text format (checked by promtool), with the lab's namespaces, engines and event-stream subscribers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthSchema, readinessSchema } from "../../server/contract/health";
import { snapshotOverviewSchema } from "../../server/contract/snapshot";
import { labEnv } from "../lab/lab-env";
import { familiesNamed, promtoolCheck } from "../server/metrics/promtool";
import { startAgent, type AgentProcess } from "./helpers/agent-process";
import { loadLabManifest } from "./helpers/lab-manifest";
import { openSse } from "./helpers/sse-client";

const TOKEN = "metrics-test-token-0123456789";
const BEARER = { authorization: `Bearer ${TOKEN}` };
const env = labEnv(loadLabManifest());
let agent: AgentProcess;

async function scrape(): Promise<string> {
  const response = await fetch(`${agent.url}/metrics`, { headers: BEARER });
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of an unlabelled sample, or of the sample with exactly these labels. */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

async function until<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  agent = await startAgent({ ...env, NSATLAS_TOKEN: TOKEN });
  const ready = await until(
    async () => readinessSchema.parse(await (await fetch(`${agent.url}/readyz`)).json()),
    (r) => r.isReady,
  );
  expect(ready.notReady).toEqual([]);
});

afterAll(async () => {
  await agent?.stop();
});

describe("nsatlas agent: GET /metrics", () => {
  it("asks for the token like the API", async () => {
    const response = await fetch(`${agent.url}/metrics`);
    expect(response.status).toBe(401);
    expect((await fetch(`${agent.url}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
  });

  it("answers Prometheus text, never cached, that promtool accepts", async () => {
    const response = await fetch(`${agent.url}/metrics`, { headers: BEARER });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    expect(promtoolCheck(familiesNamed(text, "nsatlas_"))).toEqual({ status: 0, problems: [] });
    console.info(`GET /metrics on the lab: ${Buffer.byteLength(text)} bytes, ${text.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length} samples`);
  });

  it("reports the lab's latest scan: namespaces, interfaces, engines, its duration", async () => {
    const text = await until(scrape, (t) => (sample(t, "nsatlas_scan_duration_seconds_count") ?? 0) >= 1);
    const snapshot = snapshotOverviewSchema.parse(await (await fetch(`${agent.url}/api/v1/snapshot?view=overview`, { headers: BEARER })).json());
    expect(sample(text, "nsatlas_scan_duration_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "nsatlas_namespaces")).toBeGreaterThan(5);
    // The lab's own namespaces do not change between the two readings; other tests' may, by a few.
    expect(Math.abs((sample(text, "nsatlas_namespaces") ?? 0) - snapshot.netns.length)).toBeLessThanOrEqual(2);
    expect(sample(text, "nsatlas_interfaces")).toBeGreaterThan(sample(text, "nsatlas_namespaces") ?? 0);
    expect(sample(text, "nsatlas_engine_up", `{engine="docker",endpoint="${env.NSATLAS_DOCKER_SOCKET}"}`)).toBe(1);
    expect(sample(text, "nsatlas_engine_up", `{engine="podman",endpoint="${env.NSATLAS_PODMAN_SOCKET}"}`)).toBe(1);
    expect(sample(text, "nsatlas_engine_up", `{engine="containerd-cri",endpoint="${env.NSATLAS_CRI_SOCKETS}"}`)).toBe(1);
    expect(sample(text, "nsatlas_last_scan_timestamp_seconds")).toBeGreaterThan(Date.now() / 1000 - 120);
    expect(text).toMatch(/\nnsatlas_build_info\{version="[^"]+"\} 1\n/);
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("agrees with /api/v1/healthz on the change watch, and sees the history store", async () => {
    const health = healthSchema.parse(await (await fetch(`${agent.url}/api/v1/healthz`, { headers: BEARER })).json());
    const text = await scrape();
    expect(sample(text, "nsatlas_change_watch_up")).toBe(health.agent.changeWatch.isOn ? 1 : 0);
    expect(sample(text, "nsatlas_store_up")).toBe(1);
    expect(sample(text, "nsatlas_store_size_bytes")).toBeGreaterThanOrEqual(0);
  });

  it("counts the event stream's subscribers as they come and go", async () => {
    expect(sample(await scrape(), "nsatlas_sse_subscribers")).toBe(0);
    const stream = await openSse(`${agent.url}/api/v1/events`, BEARER);
    expect(stream.status).toBe(200);
    expect(sample(await until(scrape, (t) => sample(t, "nsatlas_sse_subscribers") === 1), "nsatlas_sse_subscribers")).toBe(1);
    stream.close();
    expect(sample(await until(scrape, (t) => sample(t, "nsatlas_sse_subscribers") === 0), "nsatlas_sse_subscribers")).toBe(0);
  });
});
