/**
 * Engines found without settings, for real: the lab's containerd behind the k3s/RKE2 path, a fake
 * rootless Docker under /run/user/<uid>, a fake kubelet (a process named `kubelet`) whose flag or
 * configuration file names the lab's containerd, and sockets that refuse or never answer at
 * well-known paths. Each checked through a real agent (healthz and the snapshot's owners) and
 * `nsatlas doctor`. Everything the test makes is removed afterwards, and it refuses to start when
 * one of the paths it needs is already taken by something it did not make.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doctorOutputSchema } from "../../server/cli/commands/doctor";
import type { RuntimeStatus } from "../../server/contract/runtime-status";
import { snapshotOverviewSchema, type OverviewNetns } from "../../server/contract/snapshot";
import { findKubelets } from "../../server/runtimes/kubelet-endpoint";
import type { LabManifest } from "../lab/manifest";
import { startFaultAgent, type FaultAgent } from "./helpers/engine-fault-agent";
import { loadLabManifest } from "./helpers/lab-manifest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "server/bin/nsatlas.mjs");

/** Everything of this test's own lives here, or carries this marker file in a directory it made. */
const WORK = "/tmp/t17sock";
const MARKER = ".t17sock";
/** A uid with no account: its runtime directory is made (and removed) by the test. */
const TEST_UID = 17017;
const USER_DIR = `/run/user/${TEST_UID}`;
const ROOTLESS_DOCKER = `${USER_DIR}/docker.sock`;
const ROOTLESS_PODMAN = `${USER_DIR}/podman/podman.sock`;
const K3S_DIR = "/run/k3s";
const K3S_SOCKET = "/run/k3s/containerd/containerd.sock";
const CRIO_DIR = "/run/crio";
const CRIO_SOCKET = "/run/crio/crio.sock";
const FAKE_DOCKER_VERSION = "t17sock-fake-docker";
/** The engine deadline where a socket never answers (version calls only); listings keep the default, a cold CRI listing can take longer. */
const TIMEOUT_MS = 500;

// Discovery is what is tested: no socket setting from the caller's shell may reach the agents.
for (const name of ["NSATLAS_DOCKER_SOCKET", "NSATLAS_PODMAN_SOCKET", "NSATLAS_CRI_SOCKETS", "DOCKER_HOST", "XDG_RUNTIME_DIR"]) delete process.env[name];

let manifest: LabManifest;
const servers: Array<http.Server | net.Server> = [];
const openSockets = new Set<net.Socket>();
/** Directories made under /run, removed in reverse order. */
const madeDirs: string[] = [];

/** Makes a directory under /run that must not exist yet (or is a leftover of this test: it holds the marker). */
function makeOwnDir(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.existsSync(path.join(dir, MARKER))) throw new Error(`${dir} exists and was not made by this test: not touching it`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, MARKER), "made by test/integration/engine-discovery.test.ts\n");
  madeDirs.push(dir);
}

/** A Docker Engine API that answers /version and an empty container list. */
async function fakeDocker(socket: string): Promise<void> {
  const server = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url?.includes("/version")) res.end(JSON.stringify({ Version: FAKE_DOCKER_VERSION, ApiVersion: "1.41" }));
    else if (req.url?.includes("/containers/json")) res.end("[]");
    else res.writeHead(404).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  servers.push(server);
}

/** A socket that accepts and never answers: an engine that hangs (refused too, when its mode is 000 and the caller lacks CAP_DAC_OVERRIDE). */
async function silentSocket(socket: string, mode?: number): Promise<void> {
  const server = net.createServer((s) => openSockets.add(s));
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  if (mode !== undefined) fs.chmodSync(socket, mode);
  servers.push(server);
}

/** A process whose command name is `kubelet` (a copy of dash waiting on its stdin), with the kubelet arguments given. */
async function fakeKubelet(args: string[], cwd = WORK): Promise<{ pid: number; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(path.join(WORK, "kubelet"), ["-c", "read line", "kubelet", ...args], { cwd, stdio: ["pipe", "ignore", "ignore"] });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error("the fake kubelet did not start");
  for (let i = 0; i < 50 && fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "kubelet"; i++) await new Promise((r) => setTimeout(r, 20));
  expect(findKubelets()).toEqual([pid]);
  return {
    pid,
    stop: async () => {
      child.stdin?.end();
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGTERM");
      await exited;
    },
  };
}

/** `nsatlas doctor` with the given flags, as a separate process (this one keeps serving the fake engines meanwhile). */
function doctor(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "doctor", ...args], {
      cwd: WORK,
      env: { ...process.env, NSATLAS_ENGINE_TIMEOUT_MS: String(TIMEOUT_MS), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

async function withAgent<T>(env: Record<string, string>, body: (agent: FaultAgent) => Promise<T>, options: { withoutDacOverride?: boolean } = {}): Promise<T> {
  const agent = await startFaultAgent(env, options);
  try {
    return await body(agent);
  } finally {
    await agent.stop();
  }
}

async function overview(agent: FaultAgent): Promise<{ netns: OverviewNetns[]; runtimes: RuntimeStatus[] }> {
  const response = await fetch(`${agent.url}/api/v1/snapshot?view=overview`);
  expect(response.status).toBe(200);
  const snapshot = snapshotOverviewSchema.parse(await response.json());
  return { netns: snapshot.netns, runtimes: snapshot.runtimes };
}

/** The lab's CRI pods: their namespace must be owned by the pod, read from containerd. */
function expectCriPodsOwned(netns: OverviewNetns[], owned: boolean): void {
  const pods = manifest.netns.filter((n) => n.owner.kind === "kubernetes-pod" && n.owner.runtime === "containerd-cri");
  expect(pods.length).toBeGreaterThan(0);
  for (const want of pods) {
    if (want.owner.kind !== "kubernetes-pod") continue;
    const n = netns.find((x) => x.id === want.inode);
    expect(n, want.key).toBeDefined();
    const pod = n?.owners.find((o) => o.kind === "kubernetes-pod");
    if (owned)
      expect(pod, want.key).toMatchObject({ runtime: "containerd-cri", namespace: want.owner.namespace, podName: want.owner.name, uid: want.owner.uid });
    else expect(pod, want.key).toBeUndefined();
  }
}

function entry(runtimes: RuntimeStatus[], name: RuntimeStatus["name"], endpoint: string): RuntimeStatus {
  const found = runtimes.find((r) => r.name === name && r.endpoint === endpoint);
  if (found === undefined) throw new Error(`no ${name} at ${endpoint} in ${JSON.stringify(runtimes, null, 1)}`);
  return found;
}

function candidate(status: RuntimeStatus, endpoint: string) {
  const found = status.candidates?.find((c) => c.endpoint === endpoint);
  if (found === undefined) throw new Error(`${endpoint} not among the candidates of ${status.name}: ${JSON.stringify(status.candidates)}`);
  return found;
}

beforeAll(async () => {
  manifest = loadLabManifest();
  expect(findKubelets(), "a kubelet already runs on this machine: the kubelet tests would not be about the fake one").toEqual([]);
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  fs.copyFileSync("/bin/dash", path.join(WORK, "kubelet"));
  fs.chmodSync(path.join(WORK, "kubelet"), 0o755);
  // The kubelet's endpoints: symlinks to the lab's containerd, so a symlink and its target are one engine.
  fs.symlinkSync(manifest.engines.containerd.socket, path.join(WORK, "cri.sock"));
  fs.symlinkSync(manifest.engines.containerd.socket, path.join(WORK, "cri-config.sock"));

  makeOwnDir(K3S_DIR);
  fs.mkdirSync(path.dirname(K3S_SOCKET));
  fs.symlinkSync(manifest.engines.containerd.socket, K3S_SOCKET);
  makeOwnDir(USER_DIR);
  await fakeDocker(ROOTLESS_DOCKER);
});

afterAll(async () => {
  for (const s of openSockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  for (const dir of madeDirs.reverse()) fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(WORK, { recursive: true, force: true });
});

describe("engines found where distributions put them", () => {
  it("with no socket setting: the lab's Docker at /run/docker.sock, a rootless Docker, containerd at the k3s path; the CRI pods owned", async () => {
    await withAgent({}, async (agent) => {
      const health = await agent.health();
      const docker = entry(health, "docker", "/run/docker.sock");
      expect(docker).toMatchObject({ state: "ok", source: "well-known", version: manifest.engines.docker.version });
      expect(candidate(docker, "/var/run/docker.sock")).toEqual({
        endpoint: "/var/run/docker.sock",
        source: "well-known",
        state: "ok",
        sameAs: "/run/docker.sock",
      });
      expect(entry(health, "docker", ROOTLESS_DOCKER)).toMatchObject({ state: "ok", source: "well-known", version: FAKE_DOCKER_VERSION });
      expect(candidate(docker, ROOTLESS_DOCKER)).toEqual({ endpoint: ROOTLESS_DOCKER, source: "well-known", state: "ok" });

      const containerd = entry(health, "containerd-cri", K3S_SOCKET);
      expect(containerd).toMatchObject({ state: "ok", source: "well-known", version: manifest.engines.containerd.version });
      expect(containerd.candidates?.map((c) => c.endpoint)).toEqual([
        "/run/containerd/containerd.sock",
        K3S_SOCKET,
        "/var/snap/microk8s/common/run/containerd.sock",
      ]);
      expect(candidate(containerd, "/var/snap/microk8s/common/run/containerd.sock")).toMatchObject({ state: "absent", detail: "ENOENT" });

      // Absent engines take one entry each, their candidates inside: docker ×2, podman, containerd, CRI-O.
      expect(health.map((r) => r.name)).toEqual(["docker", "docker", "podman", "containerd-cri", "cri-o"]);
      const podman = entry(health, "podman", "/run/podman/podman.sock");
      expect(podman).toMatchObject({ source: "well-known" });
      expect(candidate(podman, ROOTLESS_PODMAN)).toEqual({ endpoint: ROOTLESS_PODMAN, source: "well-known", state: "absent", detail: "ENOENT" });

      const { netns, runtimes } = await overview(agent);
      expect(entry(runtimes, "containerd-cri", K3S_SOCKET)).toMatchObject({ state: "ok", source: "well-known" });
      expectCriPodsOwned(netns, true);
      const web = manifest.netns.find((n) => n.key === "docker:nslab-web1" || n.owner.kind === "docker-container");
      expect(netns.find((n) => n.id === web?.inode)?.owners.some((o) => o.kind === "docker-container")).toBe(true);
    });
  });

  it("tries the kubelet's --container-runtime-endpoint first (a symlink to the same socket as the k3s path: asked once)", async () => {
    const kubelet = await fakeKubelet(["--kubeconfig=/etc/kubernetes/kubelet.conf", `--container-runtime-endpoint=unix://${WORK}/cri.sock`, "--v=2"]);
    try {
      await withAgent({}, async (agent) => {
        const health = await agent.health();
        const containerd = entry(health, "containerd-cri", `${WORK}/cri.sock`);
        expect(containerd).toMatchObject({ state: "ok", source: "kubelet", version: manifest.engines.containerd.version });
        expect(containerd.candidates?.[0]).toEqual({ endpoint: `${WORK}/cri.sock`, source: "kubelet", state: "ok" });
        expect(candidate(containerd, K3S_SOCKET)).toEqual({ endpoint: K3S_SOCKET, source: "well-known", state: "ok", sameAs: `${WORK}/cri.sock` });
        expect(health.filter((r) => r.name === "containerd-cri")).toHaveLength(1);
        const { netns } = await overview(agent);
        expectCriPodsOwned(netns, true);
      });
    } finally {
      await kubelet.stop();
    }
  });

  it("reads containerRuntimeEndpoint from the kubelet's --config file, relative to its working directory", async () => {
    fs.writeFileSync(
      path.join(WORK, "kubelet-config.yaml"),
      [
        "apiVersion: kubelet.config.k8s.io/v1beta1",
        "kind: KubeletConfiguration",
        "authentication:",
        "  anonymous:",
        "    enabled: false",
        "cgroupDriver: systemd",
        "clusterDNS:",
        "- 10.96.0.10",
        `containerRuntimeEndpoint: "unix://${WORK}/cri-config.sock"`,
        "staticPodPath: /etc/kubernetes/manifests",
        "",
      ].join("\n"),
    );
    const kubelet = await fakeKubelet(["--config", "kubelet-config.yaml"]);
    try {
      await withAgent({}, async (agent) => {
        const containerd = entry(await agent.health(), "containerd-cri", `${WORK}/cri-config.sock`);
        expect(containerd).toMatchObject({ state: "ok", source: "kubelet" });
        const { netns, runtimes } = await overview(agent);
        expect(entry(runtimes, "containerd-cri", `${WORK}/cri-config.sock`)).toMatchObject({ state: "ok", source: "kubelet" });
        expectCriPodsOwned(netns, true);
      });
    } finally {
      await kubelet.stop();
    }
  });

  it("an explicit setting wins: only it is asked for its engine, whatever the kubelet and the well-known paths say", async () => {
    const kubelet = await fakeKubelet([`--container-runtime-endpoint=unix://${WORK}/cri.sock`]);
    try {
      const nowhere = `${WORK}/no-cri.sock`;
      await withAgent({ NSATLAS_CRI_SOCKETS: nowhere, DOCKER_HOST: `unix://${manifest.engines.docker.socket}` }, async (agent) => {
        for (const runtimes of [await agent.health(), (await overview(agent)).runtimes]) {
          const docker = runtimes.filter((r) => r.name === "docker");
          expect(docker).toHaveLength(1);
          expect(docker[0]).toMatchObject({ endpoint: manifest.engines.docker.socket, state: "ok", source: "setting" });
          expect(docker[0]?.candidates).toBeUndefined();
          const cri = runtimes.filter((r) => r.name === "containerd-cri" || r.name === "cri-o");
          expect(cri.map((r) => [r.name, r.endpoint, r.state, r.detail, r.source, r.candidates])).toEqual([
            ["containerd-cri", nowhere, "absent", "ENOENT", "setting", undefined],
          ]);
          // podman has no setting: still discovered.
          expect(entry(runtimes, "podman", "/run/podman/podman.sock")).toMatchObject({ source: "well-known" });
        }
        expectCriPodsOwned((await overview(agent)).netns, false);
      });
    } finally {
      await kubelet.stop();
    }
  });

  describe("with sockets that never answer at /run/crio/crio.sock and a rootless podman path (mode 000)", () => {
    beforeAll(async () => {
      makeOwnDir(CRIO_DIR);
      await silentSocket(CRIO_SOCKET);
      fs.mkdirSync(path.dirname(ROOTLESS_PODMAN));
      await silentSocket(ROOTLESS_PODMAN, 0o000);
    });

    it("nsatlas doctor --json reports every engine and every candidate with its state and source", async () => {
      const r = await doctor(["--json"]);
      expect(r.status, r.stderr).toBe(0);
      const { engines } = doctorOutputSchema.parse(JSON.parse(r.stdout));
      expect(entry(engines, "docker", "/run/docker.sock")).toMatchObject({ state: "ok", source: "well-known" });
      expect(entry(engines, "containerd-cri", K3S_SOCKET)).toMatchObject({ state: "ok", source: "well-known" });
      const crio = entry(engines, "cri-o", CRIO_SOCKET);
      expect(crio).toMatchObject({ state: "timeout", source: "well-known", detail: `deadline ${TIMEOUT_MS} ms` });
      expect(crio.candidates).toEqual([{ endpoint: CRIO_SOCKET, source: "well-known", state: "timeout", detail: `deadline ${TIMEOUT_MS} ms` }]);
      // No podman answers: the one that exists (and hangs, for root) is reported, the missing one listed.
      const podman = entry(engines, "podman", ROOTLESS_PODMAN);
      expect(podman).toMatchObject({ state: "timeout", source: "well-known" });
      expect(podman.candidates).toEqual([
        { endpoint: "/run/podman/podman.sock", source: "well-known", state: "absent", detail: "ENOENT" },
        { endpoint: ROOTLESS_PODMAN, source: "well-known", state: "timeout", detail: `deadline ${TIMEOUT_MS} ms` },
      ]);
    });

    it("nsatlas doctor prints each engine with its state and source, and each candidate tried", async () => {
      const r = await doctor([]);
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout.split("\n");
      expect(lines).toContain(`  cri-o           timeout      ${CRIO_SOCKET} (well-known)`);
      expect(lines).toContain(`                  timeout      ${CRIO_SOCKET} (well-known, deadline ${TIMEOUT_MS} ms)`);
      expect(lines).toContain(`                  ok           /var/run/docker.sock (well-known, same socket as /run/docker.sock)`);
      expect(lines).toContain(`                  absent       /run/podman/podman.sock (well-known, ENOENT)`);
      expect(lines.filter((l) => l.trim() === "tried:").length).toBeGreaterThanOrEqual(4);
    });

    it("healthz of an agent without CAP_DAC_OVERRIDE: the mode-000 rootless socket refused, the silent one timed out", async () => {
      await withAgent(
        { NSATLAS_ENGINE_TIMEOUT_MS: String(TIMEOUT_MS) },
        async (agent) => {
          const health = await agent.health();
          const podman = entry(health, "podman", ROOTLESS_PODMAN);
          expect(podman).toMatchObject({ state: "refused", source: "well-known", detail: "EACCES" });
          expect(candidate(podman, ROOTLESS_PODMAN)).toEqual({ endpoint: ROOTLESS_PODMAN, source: "well-known", state: "refused", detail: "EACCES" });
          expect(entry(health, "cri-o", CRIO_SOCKET)).toMatchObject({ state: "timeout", source: "well-known" });
          expect(entry(health, "docker", "/run/docker.sock")).toMatchObject({ state: "ok" });
        },
        { withoutDacOverride: true },
      );
    });
  });
});
