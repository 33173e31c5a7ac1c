/**
 * The history over real HTTP (the server as `npm start` runs it): freeze, read the node as it was
 * through ?at=, diff against now, export and import (including `nsatlas snapshot --json` output),
 * and clear refusals for wrong, truncated and oversized files; expose is off by default.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffSchema } from "../../server/contract/diff";
import { exposuresSchema } from "../../server/contract/expose";
import { historySchema, storedSnapshotSchema } from "../../server/contract/history";
import { lookupSchema } from "../../server/contract/lookups";
import { problemSchema } from "../../server/contract/problem";
import { netnsSchema, snapshotOverviewSchema, snapshotSchema } from "../../server/contract/snapshot";
import { SnapshotStore } from "../../server/store/snapshot-store";
import { startDashboard, type DashboardServer } from "../e2e/helpers/dashboard-server";
import { labEnv } from "../lab/lab-env";
import { waitFor } from "../lab/sh";
import type { LabManifest } from "../lab/manifest";
import { labNetns, loadLabManifest } from "./helpers/lab-manifest";
import { TestWorkloads } from "./helpers/test-workloads";

let manifest: LabManifest;
let server: DashboardServer;
const made = new TestWorkloads("t6h");

beforeAll(async () => {
  manifest = loadLabManifest();
  server = await startDashboard({ ...labEnv(manifest), NSATLAS_IMPORT_MAX_MB: "1", NSATLAS_RECORD_INTERVAL_MS: "0" });
}, 300_000);
afterAll(async () => {
  made.cleanup();
  await server?.stop();
});

const get = async (p: string) => {
  const res = await fetch(`${server.url}${p}`);
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
};
const post = async (p: string, body?: BodyInit) => {
  const res = await fetch(`${server.url}${p}`, { method: "POST", body, headers: { "x-nsatlas-request": "1" } });
  return { status: res.status, body: (await res.json()) as unknown };
};

describe("the history API", () => {
  let frozenId = "";

  it("freezes the node: 201, a Location, an entry in the history and in the audit log", async () => {
    const res = await fetch(`${server.url}/api/v1/snapshots`, { method: "POST", headers: { "user-agent": "history-api-test", "x-nsatlas-request": "1" } });
    expect(res.status).toBe(201);
    const entry = storedSnapshotSchema.parse(await res.json());
    frozenId = entry.id;
    expect(res.headers.get("location")).toBe(`/api/v1/snapshots/${entry.id}`);
    expect(entry).toMatchObject({ origin: "frozen", netnsCount: expect.any(Number) });
    const history = historySchema.parse((await get("/api/v1/snapshots")).body);
    expect(history.isAvailable).toBe(true);
    expect(history.snapshots.map((s) => s.id)).toContain(entry.id);
    const store = SnapshotStore.open(server.dataDir);
    try {
      expect(store.auditLog()[0]).toMatchObject({ action: "freeze", detail: `snapshot ${entry.id}` });
      expect(store.auditLog()[0]?.who).toContain("history-api-test");
    } finally {
      store.close();
    }
  });

  it("serves every read as it was at the frozen snapshot, after the node changed", async () => {
    const added = made.container("new");
    // The live snapshot is memoised for NSATLAS_SNAPSHOT_TTL_MS: wait until it shows the new container.
    await waitFor("the live snapshot to show the new container", 15_000, async () =>
      snapshotSchema.parse((await get("/api/v1/snapshot")).body).netns.some((n) => n.id === added.inode),
    );
    const then = snapshotSchema.parse((await get(`/api/v1/snapshot?at=${frozenId}`)).body);
    expect(then.id).toBe(frozenId);
    expect(then.netns.some((n) => n.owners.some((o) => o.name === added.name))).toBe(false);
    expect((await get(`/api/v1/containers/${added.name}?at=${frozenId}`)).status).toBe(404);

    const app = labNetns(manifest, "docker:nslab-app");
    const netns = netnsSchema.parse((await get(`/api/v1/netns/${app.inode}?at=${frozenId}`)).body);
    // Stored snapshots carry listeners: the frozen ones are what the live namespace has (nothing changed there).
    const liveNetns = netnsSchema.parse((await get(`/api/v1/netns/${app.inode}`)).body);
    expect(netns.listeners?.map((l) => `${l.protocol} ${l.port}`).sort()).toEqual(liveNetns.listeners?.map((l) => `${l.protocol} ${l.port}`).sort());
    const pod = lookupSchema.parse((await get(`/api/v1/pods/nslab-shop/cart-0?at=${frozenId}`)).body);
    expect(pod.owner.name).toBe("nslab-shop/cart-0");

    const diff = diffSchema.parse((await get(`/api/v1/diff?from=${frozenId}`)).body);
    expect(diff.to.isLive).toBe(true);
    expect(diff.changes.filter((c) => c.kind === "netns-appeared").map((c) => c.netnsId)).toContain(added.inode);
  });

  it("serves the polling pages' view (no routes, no counters) of the frozen snapshot, and of the node now", async () => {
    const full = snapshotSchema.parse((await get(`/api/v1/snapshot?at=${frozenId}`)).body);
    const overview = snapshotOverviewSchema.parse((await get(`/api/v1/snapshot?view=overview&at=${frozenId}`)).body);
    const strip = (s: typeof full) => ({
      ...s,
      netns: s.netns.map(({ routes: _r, ...n }) => ({ ...n, interfaces: n.interfaces.map(({ stats: _s, ...i }) => i) })),
    });
    expect(overview).toEqual(strip(full));
    expect(full.netns.some((n) => n.routes.length > 0)).toBe(true);
    const live = (await get("/api/v1/snapshot?view=overview")).body;
    expect(snapshotOverviewSchema.parse(live).netns.length).toBeGreaterThan(0);
    expect(JSON.stringify(live)).not.toMatch(/"routes"|"stats"/);
  });

  it.each([
    ["/api/v1/snapshot?view=everything", 400],
    ["/api/v1/snapshot?at=../../etc/passwd", 400],
    ["/api/v1/snapshot?at=1795949896003-00000000", 404],
    ["/api/v1/snapshots/no-such-snapshot", 404],
    ["/api/v1/diff", 400],
    ["/api/v1/diff?from=%00", 400],
    ["/api/v1/diff?from=nope&to=now", 404],
  ])("answers %s with a %i problem", async (p, status) => {
    const res = await get(p);
    expect(res.status).toBe(status);
    expect(problemSchema.safeParse(res.body).success).toBe(true);
  });

  it("exports a snapshot as a file that imports again (the same id is stored once)", async () => {
    const res = await fetch(`${server.url}/api/v1/snapshots/${frozenId}?download=1`);
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="nsatlas-[\\w.-]+-${frozenId}\\.json"$`));
    const file = await res.arrayBuffer();
    const imported = await post("/api/v1/snapshots/import", file);
    expect(imported.status).toBe(201);
    expect(storedSnapshotSchema.parse(imported.body)).toMatchObject({ id: frozenId, origin: "frozen" });
  });

  it("imports what `nsatlas snapshot --json` prints", async () => {
    const cli = spawnSync(process.execPath, [path.resolve("server/bin/nsatlas.mjs"), "snapshot", "--json"], {
      encoding: "utf8",
      env: { ...process.env, ...labEnv(manifest) },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(cli.status).toBe(0);
    const imported = await post("/api/v1/snapshots/import", cli.stdout);
    expect(imported.status).toBe(201);
    const entry = storedSnapshotSchema.parse(imported.body);
    expect(entry.origin).toBe("imported");
    expect(snapshotSchema.parse((await get(`/api/v1/snapshot?at=${entry.id}`)).body).netns.length).toBe(entry.netnsCount);
  });

  it.each([
    ["a truncated file", async () => (await (await fetch(`${server.url}/api/v1/snapshots/${frozenId}`)).text()).slice(0, 5000), 422, "Truncated file"],
    ["a file that is not a snapshot", async () => JSON.stringify({ kind: "Pod", metadata: {} }), 422, "Not an nsatlas snapshot"],
    ["an empty body", async () => "", 422, "Empty file"],
    ["a file over the 1 MiB limit", async () => "x".repeat(1024 * 1024 + 1), 413, "File too large"],
  ])("refuses %s with a clear problem", async (_what, body, status, title) => {
    const res = await post("/api/v1/snapshots/import", await body());
    expect(res.status).toBe(status);
    expect(problemSchema.parse(res.body).title).toBe(title);
  });

  it("has expose off by default: 403 with the way to turn it on, and nothing written", async () => {
    expect(exposuresSchema.parse((await get("/api/v1/expose")).body)).toEqual({ isEnabled: false, exposures: [] });
    const res = await post("/api/v1/expose", JSON.stringify({ target: "container:nslab-app", name: `${manifest.prefix}-x-api` }));
    expect(res.status).toBe(403);
    expect(problemSchema.parse(res.body).detail).toContain("NSATLAS_ALLOW_EXPOSE=true");
  });

  it.each([
    ["not JSON", "{", 400],
    ["a path as the name", JSON.stringify({ target: "container:nslab-app", name: "../../etc/x" }), 400],
    ["an unknown target kind", JSON.stringify({ target: "file:/etc/passwd" }), 400],
    ["a body over 4 KiB", JSON.stringify({ target: "container:nslab-app", name: "x".repeat(5000) }), 413],
  ])("refuses an expose request that is %s", async (_what, body, status) => {
    expect((await post("/api/v1/expose", body)).status).toBe(status);
  });
});
