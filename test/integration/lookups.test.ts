/** The look-ups over HTTP (the real server, as `npm start` runs it) and through `nsatlas where`. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookupSchema } from "../../server/contract/lookups";
import { problemSchema } from "../../server/contract/problem";
import { netnsSchema, snapshotSchema } from "../../server/contract/snapshot";
import { startDashboard, type DashboardServer } from "../e2e/helpers/dashboard-server";
import { labEnv } from "../lab/lab-env";
import type { LabManifest, LabNetns } from "../lab/manifest";
import { loadLabManifest } from "./helpers/lab-manifest";

let manifest: LabManifest;
let server: DashboardServer;

beforeAll(async () => {
  manifest = loadLabManifest();
  server = await startDashboard(labEnv(manifest));
}, 300_000);
afterAll(async () => server?.stop());

async function get(p: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${p}`);
  return { status: res.status, body: await res.json() };
}

function pod(runtime: "docker" | "containerd-cri"): LabNetns & { owner: Extract<LabNetns["owner"], { kind: "kubernetes-pod" }> } {
  for (const n of manifest.netns) if (n.owner.kind === "kubernetes-pod" && n.owner.runtime === runtime) return { ...n, owner: n.owner };
  throw new Error(`no ${runtime} pod in the lab`);
}

describe("HTTP API", () => {
  it("serves a snapshot that matches the contract, with every engine answering", async () => {
    const { status, body } = await get("/api/v1/snapshot");
    expect(status).toBe(200);
    const snapshot = snapshotSchema.parse(body);
    expect(snapshot.runtimes.length).toBeGreaterThanOrEqual(3);
    expect(snapshot.runtimes.every((r) => r.status === "ok")).toBe(true);
    expect(snapshot.netns.map((n) => n.id)).toEqual(expect.arrayContaining(manifest.netns.map((n) => n.inode)));
  });

  it("serves one namespace with its listeners", async () => {
    const { status, body } = await get(`/api/v1/netns/${manifest.hostInode}`);
    expect(status).toBe(200);
    expect(netnsSchema.parse(body).listeners).toEqual(expect.any(Array));
  });

  it.each(["docker", "containerd-cri"] as const)("finds a %s pod by namespace/name, with its namespace", async (runtime) => {
    const want = pod(runtime);
    const { status, body } = await get(`/api/v1/pods/${want.owner.namespace}/${want.owner.name}`);
    expect(status).toBe(200);
    const found = lookupSchema.parse(body);
    expect(found.owner).toMatchObject({ kind: "kubernetes-pod", runtime, uid: want.owner.uid });
    expect(found.netns.map((n) => n.id)).toEqual([want.inode]);
  });

  it("finds a container by name, a pod's container by its engine name, and a sandbox by id prefix", async () => {
    const web = manifest.netns.find((n) => n.key === `docker:${manifest.prefix}-web1`);
    const byName = lookupSchema.parse((await get(`/api/v1/containers/${manifest.prefix}-web1`)).body);
    expect(byName.owner).toMatchObject({ kind: "docker-container", name: `${manifest.prefix}-web1` });
    expect(byName.netns.map((n) => n.id)).toEqual([web?.inode]);

    const p = pod("docker");
    const app = p.owner.containers.find((c) => c.startsWith("k8s_app_")) ?? "";
    const inPod = lookupSchema.parse((await get(`/api/v1/containers/${app}`)).body);
    expect(inPod.owner).toMatchObject({ kind: "kubernetes-pod", podName: p.owner.name });
    expect(inPod.container).toMatchObject({ name: app, kubernetesName: "app", isSandbox: false });

    const bySandboxId = lookupSchema.parse((await get(`/api/v1/containers/${p.owner.sandboxId.slice(0, 12)}`)).body);
    expect(bySandboxId.container).toMatchObject({ isSandbox: true, kubernetesName: "POD" });
  });

  it.each([
    ["/api/v1/pods/default/no-such-pod", 404],
    ["/api/v1/containers/no-such-container", 404],
    ["/api/v1/netns/12345", 404],
    ["/api/v1/netns/not-a-number", 400],
    ["/api/v1/pods/Bad_Namespace/x", 400],
    ["/api/v1/pods/default/%2E%2E%2Fetc", 400],
    ["/api/v1/pods/default/a%0Ab", 400],
    [`/api/v1/pods/default/${"a".repeat(300)}`, 400],
    ["/api/v1/containers/..%2Fetc%2Fpasswd", 400],
    ["/api/v1/containers/a%00b", 400],
    ["/api/v1/containers/%3Cscript%3E", 400],
  ])("answers %s with %i and a JSON problem", async (p, code) => {
    const { status, body } = await get(p);
    expect(status).toBe(code);
    expect(problemSchema.parse(body).status).toBe(code);
  });
});

function where(arg: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve("server/bin/nsatlas.mjs"), "where", arg], {
    encoding: "utf8",
    env: { ...process.env, ...labEnv(manifest) },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("nsatlas where", () => {
  it("prints a pod's namespace, what holds it and the command that enters it", () => {
    const want = pod("docker");
    const r = where(`${want.owner.namespace}/${want.owner.name}`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`netns ${want.inode}`);
    expect(r.stdout).toContain(`nsenter --net=${want.paths[0]?.replace(/^\/var\/run\//, "/run/")} ip a`);
  });

  it("gives the ip netns command when the namespace has a name under /run/netns", () => {
    const want = pod("containerd-cri");
    const r = where(`${want.owner.namespace}/${want.owner.name}`);
    expect(r.stdout).toContain(`ip netns exec ${want.paths[0]?.split("/").pop()} ip a`);
  });

  it("exits 1 with a clear message for an unknown name, 2 for a malformed one", () => {
    const unknown = where("no-such-thing");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("no-such-thing");
    expect(where("../etc/passwd").status).toBe(2);
    expect(where("a\nb").status).toBe(2);
  });
});
