/**
 * The agent under load and churn, on the real server (the CI-sized variant of `npm run bench:load`):
 * concurrent clients get no errors and share scans; while containers, pods and namespaces come and
 * go, every snapshot is internally consistent and no 5xx appears; file descriptors do not leak.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthSchema } from "../../server/contract/health";
import { snapshotSchema, type Snapshot } from "../../server/contract/snapshot";
import { runLoad } from "../bench/load-run";
import { startDashboard, type DashboardServer } from "../e2e/helpers/dashboard-server";
import { labEnv } from "../lab/lab-env";
import { run, tryRun } from "../lab/sh";
import { loadLabManifest } from "./helpers/lab-manifest";
import { TestWorkloads } from "./helpers/test-workloads";

const TTL_MS = 1000;
let server: DashboardServer;
const made = new TestWorkloads("t7c");

beforeAll(async () => {
  server = await startDashboard({ ...labEnv(loadLabManifest()), NSATLAS_SNAPSHOT_TTL_MS: String(TTL_MS), NSATLAS_RECORD_INTERVAL_MS: "0" });
}, 300_000);
afterAll(async () => {
  made.cleanup();
  await server?.stop();
});

const agent = async () => healthSchema.parse(await (await fetch(`${server.url}/api/v1/healthz`)).json()).agent;

/** Every peer and parent reference names an interface of the snapshot, or the interface says its peer is missing. */
function inconsistencies(s: Snapshot): string[] {
  const ifaces = new Map(s.netns.flatMap((n) => n.interfaces.map((i) => [`${n.id}/${i.ifindex}`, i] as const)));
  const problems: string[] = [];
  if (new Set(s.netns.map((n) => n.id)).size !== s.netns.length) problems.push("a namespace listed twice");
  for (const n of s.netns) {
    for (const i of n.interfaces) {
      if (i.peer !== undefined) {
        const other = ifaces.get(`${i.peer.netnsId}/${i.peer.ifindex}`);
        if (other === undefined) problems.push(`${n.id}/${i.name}: peer ${i.peer.netnsId}/${i.peer.ifindex} is not in the snapshot`);
        else if (other.peer?.netnsId !== n.id || other.peer.ifindex !== i.ifindex) problems.push(`${n.id}/${i.name}: its peer does not point back`);
      }
      if (i.parent !== undefined && !ifaces.has(`${i.parent.netnsId}/${i.parent.ifindex}`)) problems.push(`${n.id}/${i.name}: parent not in the snapshot`);
      if (i.masterIfindex !== undefined && !ifaces.has(`${n.id}/${i.masterIfindex}`)) problems.push(`${n.id}/${i.name}: master not in the namespace`);
    }
  }
  return problems;
}

describe("under load", () => {
  it("20 clients for 8 s on the snapshot and the pages: no errors, scans coalesced", async () => {
    const host = snapshotSchema.parse(await (await fetch(`${server.url}/api/v1/snapshot`)).json()).netns.find((n) => n.isHost)?.id ?? "";
    const before = await agent();
    const durationMs = 8000;
    const result = await runLoad({ baseUrl: server.url, paths: ["/api/v1/snapshot", "/", `/api/v1/netns/${host}`, "/topology"], clients: 20, durationMs });
    const scans = (await agent()).scans - before.scans;
    console.log(
      `load: ${result.requests} requests, ${result.errors} errors, p50 ${result.p50Ms.toFixed(0)} ms, p99 ${result.p99Ms.toFixed(0)} ms, ${scans} scans`,
    );
    expect(result.errorSamples).toEqual([]);
    expect(result.errors).toBe(0);
    expect(result.requests).toBeGreaterThan(40);
    expect(scans).toBeLessThanOrEqual(Math.ceil(durationMs / TTL_MS) + 1);
  });
});

describe("under churn", () => {
  it("while containers, pods and namespaces come and go: no 5xx, consistent snapshots, no leaked descriptors", async () => {
    // Warm every path the churn will use, then count the agent's descriptors.
    await runLoad({ baseUrl: server.url, paths: ["/api/v1/snapshot"], clients: 3, durationMs: 1500 });
    await new Promise((r) => setTimeout(r, 2000));
    const fdsBefore = (await agent()).openFds;
    const bridge = made.hostLink(made.name("br"));
    run("ip", ["link", "add", bridge, "type", "bridge"]);
    run("ip", ["link", "set", bridge, "up"]);

    let stop = false;
    const seen = { snapshots: 0, statuses: new Map<number, number>(), problems: [] as string[] };
    const poller = async () => {
      while (!stop) {
        const res = await fetch(`${server.url}/api/v1/snapshot`);
        seen.statuses.set(res.status, (seen.statuses.get(res.status) ?? 0) + 1);
        if (res.ok) {
          seen.snapshots++;
          seen.problems.push(...inconsistencies(snapshotSchema.parse(await res.json())));
        } else await res.arrayBuffer();
      }
    };
    const churn = async () => {
      for (let i = 0; i < 4; i++) {
        const c = made.container(`c${i}`);
        const pod = made.pod(`p${i}`);
        const ns = made.netns(`n${i}`);
        const hostEnd = made.hostLink(made.name(`v${i}`));
        run("ip", ["link", "add", hostEnd, "master", bridge, "type", "veth", "peer", "name", "eth0", "netns", ns.name]);
        run("ip", ["link", "set", hostEnd, "up"]);
        await new Promise((r) => setTimeout(r, 500));
        tryRun("docker", ["rm", "-f", c.name, pod.pause]);
        tryRun("ip", ["netns", "del", ns.name]);
      }
    };
    const pollers = Array.from({ length: 4 }, poller);
    await churn();
    stop = true;
    await Promise.all(pollers);
    made.cleanup();

    const fivexx = [...seen.statuses.entries()].filter(([status]) => status >= 500);
    console.log(`churn: ${seen.snapshots} snapshots read, statuses ${JSON.stringify([...seen.statuses])}, fds before ${fdsBefore}`);
    expect(fivexx).toEqual([]);
    expect(seen.snapshots).toBeGreaterThan(10);
    expect(seen.problems).toEqual([]);

    await runLoad({ baseUrl: server.url, paths: ["/api/v1/snapshot"], clients: 3, durationMs: 1500 });
    await new Promise((r) => setTimeout(r, 2000));
    const fdsAfter = (await agent()).openFds;
    console.log(`churn: fds before ${fdsBefore}, after ${fdsAfter}`);
    // Keep-alive sockets to clients and engines come and go: a leak grows with every namespace read.
    expect(fdsAfter).toBeLessThanOrEqual(fdsBefore + 4);
  });
});
