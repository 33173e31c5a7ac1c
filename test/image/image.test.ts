/**
 * The built image, for real (its own vitest run: test/image/image-suite.ts; needs the lab up, root and Docker):
 * `npm run image` builds it (Docker's cache makes a rebuild from unchanged sources a matter of seconds), then
 * - `nsatlas snapshot --json` with the least privileges (--pid host, /run read-only with rslave, every capability dropped
 *   but SYS_ADMIN, SYS_PTRACE and DAC_READ_SEARCH) sees every lab namespace with the owners the lab's manifest names;
 * - the agent, the default command's way (0.0.0.0:7471, which needs NSATLAS_TOKEN), answers /livez and /readyz, and a
 *   namespace made with `ip netns add` after it started shows up, entered (rslave propagates the new mount);
 * - `nsatlas dashboard` as the non-root user nsatlas, with no capability and a read-only root, serves its pages;
 * - both stop on `docker stop` at once, exit 0;
 * - the image has ip, tcpdump and nsenter, runs as root by default, and carries no CA bundle of the build's in any layer;
 * - `npm run image` says in one line what is wrong with a BASE that is not there or has no Node.js 22, and with no Docker;
 * - the Kubernetes DaemonSet's container, run with the flags derived from the rendered manifest, reads the lab and a
 *   namespace made after it started; deploy/compose.yaml runs the agent and the dashboard, both reading the lab.
 * Docker refuses rslave under a private mount: on a host without systemd (this one), `/` is made shared first, as
 * systemd does at boot.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, type BuiltImage } from "../../scripts/image/build-image";
import { readinessSchema } from "../../server/contract/health";
import { snapshotSchema, type Netns, type Snapshot } from "../../server/contract/snapshot";
import { freePort } from "../integration/helpers/free-port";
import { loadLabManifest } from "../integration/helpers/lab-manifest";
import { labEnv } from "../lab/lab-env";
import type { LabManifest } from "../lab/manifest";
import { run, sleep, tryRun } from "../lab/sh";
import { dockerRunArgsFromDaemonSet } from "../deploy/daemonset-to-docker";
import { renderKustomize } from "../deploy/kubernetes/render";
import { containerName, docker, foundInSavedImage, logs, PREFIX, remove, removeAll, runOnce, start, waitForHttp } from "./docker-run";

const ROOT = path.resolve(import.meta.dirname, "../..");
const RESULTS = path.join(ROOT, "test/.results");
const TOKEN = `${PREFIX}-token-${crypto.randomBytes(8).toString("hex")}`;
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/** What the node agent needs (docs/security.md#privileges); NET_BROADCAST is the change watch's, optional. */
const LEAST = ["--cap-drop", "ALL", "--cap-add", "SYS_ADMIN", "--cap-add", "SYS_PTRACE", "--cap-add", "DAC_READ_SEARCH", "--security-opt", "no-new-privileges"];

let image: BuiltImage;
let tag: string;
let manifest: LabManifest;

const envFlags = (env: Record<string, string>) => Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
/** The host's view a node agent gets: its processes, /run (sockets, /run/netns) following new mounts, nothing writable. */
const nodeReader = () => ["--pid", "host", "-v", "/run:/run:ro,rslave", "--read-only", "--tmpfs", "/tmp", ...envFlags(labEnv(manifest))];

/** Docker refuses `rslave` when the source sits under a private mount: make `/` shared, as systemd does at boot. */
function ensureSharedRoot(): void {
  const propagation = run("findmnt", ["--noheadings", "--output", "PROPAGATION", "/"]).trim();
  if (propagation !== "private") return;
  console.log("image test: `/` is a private mount here (no systemd): `mount --make-shared /`, as systemd does at boot");
  run("mount", ["--make-shared", "/"]);
}

/** `docker stop` (SIGTERM to node, PID 1 through the image's `nsatlas` wrapper): a graceful stop, exit 0, well before Docker's 10 s. */
function expectCleanStop(name: string, lastMessage: string): void {
  const started = Date.now();
  expect(docker(["stop", "--time", "10", name]).status).toBe(0);
  expect(Date.now() - started).toBeLessThan(6000);
  expect(docker(["inspect", "--format", "{{.State.ExitCode}}", name]).stdout.trim()).toBe("0");
  expect(logs(name)).toContain(`"msg":"${lastMessage}"`);
}

beforeAll(async () => {
  manifest = loadLabManifest();
  ensureSharedRoot();
  fs.mkdirSync(RESULTS, { recursive: true });
  image = await buildImage({ buildLog: path.join(RESULTS, "image-build.log"), log: (line) => console.log(`image: ${line}`) });
  tag = image.tags[0] ?? "";
  console.log(
    `image: ${image.tags.join(", ")} ${Math.round(image.sizeBytes / 1e6)} MB, docker build ${Math.round(image.buildSeconds)} s, BASE ${image.base} (${image.baseFrom})`,
  );
}, 1_800_000);
afterAll(() => removeAll());

describe("the image", () => {
  it("is at most 250 MB, runs the agent on 0.0.0.0:7471 as root by default, and has the nsatlas user", () => {
    expect(image.sizeBytes).toBeLessThanOrEqual(250e6);
    const config = JSON.parse(docker(["image", "inspect", "--format", "{{json .Config}}", tag]).stdout) as { User: string; Cmd: string[] };
    expect(config.Cmd).toEqual(["nsatlas", "agent", "--listen", "0.0.0.0:7471"]);
    expect(config.User).toBe("");
    const passwd = runOnce("passwd", ["--network", "none"], [tag, "node", "-p", 'require("fs").readFileSync("/etc/passwd", "utf8")']);
    expect(passwd.stdout).toMatch(/^nsatlas:x:10001:10001:/m);
  });

  it("has ip (iproute2), tcpdump and nsenter", () => {
    const ip = runOnce("tools", ["--network", "none"], [tag, "ip", "-V"]);
    expect(ip.stdout).toContain("iproute2");
    const tcpdump = runOnce("tools", ["--network", "none"], [tag, "tcpdump", "--version"]);
    expect(tcpdump.status).toBe(0);
    expect(`${tcpdump.stdout}${tcpdump.stderr}`).toMatch(/tcpdump version \d/);
    expect(runOnce("tools", ["--network", "none"], [tag, "nsenter", "--version"]).stdout).toContain("util-linux");
    // Inside a container with the host's namespaces, `ip` reads them like the host's own.
    const links = runOnce("tools", ["--network", "host", "--cap-drop", "ALL"], [tag, "ip", "-o", "link", "show", "lo"]);
    expect(links.stdout).toContain("lo:");
  });

  it("carries no CA bundle of the build: no certificate file, and none of the host's own CAs in any layer", async () => {
    const walk = `const fs = require("fs"), path = require("path"), hits = [];
      (function walk(dir) {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (["/proc", "/sys", "/dev"].includes(p)) continue;
          if (e.isDirectory()) walk(p);
          else if (/\\.(crt|pem)$|^ca-certificates|^ca$/.test(e.name) || p.startsWith("/run/secrets")) hits.push(p);
        }
      })("/");
      console.log(JSON.stringify(hits));`;
    const files = runOnce("ca", ["--network", "none"], [tag, "node", "-e", walk]);
    expect(files.status).toBe(0);
    expect(JSON.parse(files.stdout)).toEqual([]);
    // The certificates of the host's bundle that Node does not carry itself (a proxy's CA among them): none may be
    // anywhere in the saved image, whatever the file. (Node's own roots are in its binary, so they are not asked.)
    const digest = 'pem => require("crypto").createHash("sha256").update(pem.replace(/\\s+/g, "")).digest("hex")';
    const builtIn = runOnce("ca", ["--network", "none"], [tag, "node", "-p", `require("tls").rootCertificates.map(${digest}).join(" ")`]);
    const roots = new Set(builtIn.stdout.trim().split(" "));
    expect(roots.size).toBeGreaterThan(100);
    const sha = (pem: string) => crypto.createHash("sha256").update(pem.replace(/\s+/g, "")).digest("hex");
    const hostOnly = (fs.readFileSync(CA_BUNDLE, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).filter(
      (pem) => !roots.has(sha(pem)),
    );
    expect(hostOnly.length).toBeGreaterThan(0);
    // Two lines of each certificate's base64, as a PEM file holds them.
    const needles = hostOnly.map((pem) => pem.split("\n").slice(1, 3).join("\n"));
    expect(await foundInSavedImage(tag, needles)).toEqual([]);
  }, 300_000);
});

describe("nsatlas snapshot --json in the image, with the least privileges", () => {
  let snapshot: Snapshot;
  const byId = (id: string): Netns | undefined => snapshot.netns.find((n) => n.id === id);

  beforeAll(() => {
    const r = runOnce("snapshot", [...LEAST, "--network", "host", ...nodeReader()], [tag, "nsatlas", "snapshot", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    snapshot = snapshotSchema.parse(JSON.parse(r.stdout));
  });

  it("reads every engine and every lab namespace, entered without errors", () => {
    expect(snapshot.runtimes.map((r) => [r.name, r.status])).toEqual([
      ["docker", "ok"],
      ["podman", "ok"],
      ["containerd-cri", "ok"],
    ]);
    for (const want of manifest.netns) {
      const n = byId(want.inode);
      expect(n, want.key).toBeDefined();
      expect(n?.errors, want.key).toEqual([]);
      const names = new Set(n?.interfaces.map((i) => i.name));
      for (const i of want.interfaces) expect(names.has(i.name), `${want.key} ${i.name}`).toBe(true);
    }
  });

  it("names every lab namespace's owner as the manifest does", () => {
    for (const want of manifest.netns) {
      const owners = byId(want.inode)?.owners ?? [];
      const o = want.owner;
      const names = (kind: string) => owners.filter((x) => x.kind === kind).map((x) => ("name" in x ? x.name : ""));
      switch (o.kind) {
        case "ip-netns":
          expect(names("ip-netns"), want.key).toEqual([o.name]);
          break;
        case "docker-container":
          expect(names("docker-container").sort(), want.key).toEqual([...o.names].sort());
          break;
        case "kubernetes-pod":
          expect(names("kubernetes-pod"), want.key).toEqual([`${o.namespace}/${o.name}`]);
          break;
        case "podman-pod":
          expect(names("podman-pod"), want.key).toEqual([o.name]);
          break;
        case "process":
          expect(owners, want.key).toEqual([expect.objectContaining({ kind: "process", pid: o.pid })]);
          break;
        case "bind-mount":
          expect(owners, want.key).toEqual([]);
          break;
      }
    }
  });
});

describe("the agent in the image", () => {
  it("refuses the default command without NSATLAS_TOKEN, saying so", () => {
    const r = runOnce("agent-refusal", ["--network", "none"], [tag]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("set NSATLAS_TOKEN");
  });

  it("answers /livez and /readyz, and sees a namespace made after it started", async () => {
    const port = await freePort();
    // The default command (0.0.0.0:7471 in the container's own network namespace), published on loopback.
    const name = start(
      "agent",
      [...LEAST, "--cap-add", "NET_BROADCAST", ...nodeReader(), "--tmpfs", "/var/lib/nsatlas", "-e", `NSATLAS_TOKEN=${TOKEN}`, "-p", `127.0.0.1:${port}:7471`],
      [tag],
    );
    const netnsName = `${PREFIX}-${crypto.randomBytes(3).toString("hex")}`;
    try {
      const url = `http://127.0.0.1:${port}`;
      const startedIn = await waitForHttp(`${url}/livez`, name, 60_000);
      console.log(`image: the agent answered /livez ${startedIn} ms after docker run returned`);
      expect(await (await fetch(`${url}/livez`)).text()).toBe("ok\n");
      let ready = await fetch(`${url}/readyz`);
      for (let i = 0; i < 150 && ready.status !== 200; i++) {
        await sleep(200);
        ready = await fetch(`${url}/readyz`);
      }
      expect(readinessSchema.parse(await ready.json())).toEqual({ isReady: true, notReady: [] });
      expect((await fetch(`${url}/api/v1/snapshot`)).status).toBe(401);

      run("ip", ["netns", "add", netnsName]);
      const inode = String(fs.statSync(`/run/netns/${netnsName}`).ino);
      let seen: Netns | undefined;
      for (let i = 0; i < 50 && seen === undefined; i++) {
        const answer = await fetch(`${url}/api/v1/snapshot`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(answer.status).toBe(200);
        seen = snapshotSchema.parse(await answer.json()).netns.find((n) => n.id === inode);
        if (seen === undefined) await sleep(200);
      }
      expect(seen, logs(name).slice(-2000)).toBeDefined();
      expect(seen?.owners).toEqual([{ kind: "ip-netns", name: netnsName }]);
      expect(seen?.errors).toEqual([]);
      expect(seen?.interfaces.map((i) => i.name)).toEqual(["lo"]);
      expectCleanStop(name, "agent stopped");
    } finally {
      tryRun("ip", ["netns", "del", netnsName]);
      remove(name);
    }
  }, 120_000);
});

describe("nsatlas dashboard in the image", () => {
  it("runs as the nsatlas user with no capability and a read-only root, and serves its pages over HTTP", async () => {
    const port = await freePort();
    const name = start(
      "dashboard",
      [
        "--user",
        "nsatlas",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--read-only",
        "--tmpfs",
        "/tmp",
        "--tmpfs",
        "/var/lib/nsatlas:uid=10001,gid=10001",
        "-e",
        `NSATLAS_TOKEN=${TOKEN}`,
        "-p",
        `127.0.0.1:${port}:3000`,
      ],
      [tag, "nsatlas", "dashboard", "--listen", "0.0.0.0:3000"],
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      const startedIn = await waitForHttp(`${url}/livez`, name, 90_000);
      console.log(`image: the dashboard answered /livez ${startedIn} ms after docker run returned`);
      const uid = docker(["exec", name, "node", "-p", 'require("fs").readFileSync("/proc/1/status", "utf8").match(/^Uid:\\s+(\\d+)/m)[1]']);
      expect(uid.stdout.trim()).toBe("10001");

      const login = await fetch(`${url}/login`);
      expect(login.status).toBe(200);
      const html = await login.text();
      expect(html).toContain("nsatlas");
      const asset = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];
      expect(asset).toBeDefined();
      expect((await fetch(`${url}${asset ?? "/"}`)).status).toBe(200);
      const home = await fetch(`${url}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(home.status).toBe(200);
      expect(home.headers.get("content-type")).toContain("text/html");
      expect((await fetch(`${url}/api/v1/snapshot`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      let ready = await fetch(`${url}/readyz`);
      for (let i = 0; i < 150 && ready.status !== 200; i++) {
        await sleep(200);
        ready = await fetch(`${url}/readyz`);
      }
      expect(readinessSchema.parse(await ready.json())).toEqual({ isReady: true, notReady: [] });
      expectCleanStop(name, "dashboard stopped");
    } finally {
      remove(name);
    }
  }, 180_000);
});

describe("npm run image, given what it cannot use", () => {
  const npmRunImage = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/image/build-image.ts", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });

  it("a BASE that is neither here nor pullable: one line naming it", () => {
    const r = npmRunImage(["--base", `${PREFIX}-no-such-base:1`]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^npm run image: BASE t17img-no-such-base:1 is not an image here and cannot be pulled .*Node\.js 22/),
    ]);
  });

  it("a BASE without Node.js 22: one line saying what BASE must be", () => {
    const r = npmRunImage(["--base", `${manifest.prefix}/busybox:1`]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^npm run image: BASE .* has no Node\.js: give a Debian bookworm image with Node\.js 22/),
    ]);
  });

  it("no Docker daemon: one line saying to start it", () => {
    const r = npmRunImage([], { DOCKER_HOST: `unix:///run/${PREFIX}-no-docker.sock` });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^npm run image: Docker is not running .*: start it/)]);
  });
});

describe("the Kubernetes DaemonSet's container, run under Docker as the manifest gives it", () => {
  it("with exactly its privileges, mounts, environment and command: reads the lab, and a namespace made after it started", async () => {
    const rendered = renderKustomize(path.join(ROOT, "deploy/kubernetes")).objects;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${PREFIX}-ds-`));
    const name = containerName("daemonset");
    const args = dockerRunArgsFromDaemonSet(rendered, {
      nodeName: os.hostname(),
      secrets: { "nsatlas-token": { token: TOKEN } },
      image: tag,
      hostPaths: { "/var/lib/nsatlas": dataDir },
      extraFlags: ["-d", "--name", name],
    });
    // The manifest's own: host network and PID namespace, /run read-only following new mounts, four capabilities.
    expect(args).toEqual(expect.arrayContaining(["--network", "host", "--pid", "host", "--cap-drop", "ALL", "--read-only"]));
    expect(args.join(" ")).toContain("/run:/run:ro,rslave");
    expect(args).not.toContain("--privileged");
    const netnsName = `${PREFIX}-${crypto.randomBytes(3).toString("hex")}`;
    try {
      const started = docker(["run", ...args]);
      expect(started.status, started.stderr).toBe(0);
      const url = "http://127.0.0.1:7471";
      await waitForHttp(`${url}/readyz`, name, 90_000);
      run("ip", ["netns", "add", netnsName]);
      const inode = String(fs.statSync(`/run/netns/${netnsName}`).ino);
      const labNetns = manifest.netns.map((n) => n.inode);
      expect(labNetns.length).toBeGreaterThan(0);
      let snapshot: Snapshot | undefined;
      for (let i = 0; i < 50; i++) {
        const answer = await fetch(`${url}/api/v1/snapshot`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(answer.status).toBe(200);
        snapshot = snapshotSchema.parse(await answer.json());
        if (snapshot.netns.some((n) => n.id === inode)) break;
        await sleep(200);
      }
      const ids = snapshot?.netns.map((n) => n.id) ?? [];
      expect(ids).toEqual(expect.arrayContaining([...labNetns, inode]));
      expect(snapshot?.node.name).toBe(os.hostname());
      expect(snapshot?.netns.filter((n) => n.errors.length > 0).map((n) => `${n.id}: ${n.errors.join("; ")}`)).toEqual([]);
      expectCleanStop(name, "agent stopped");
    } finally {
      tryRun("ip", ["netns", "del", netnsName]);
      remove(name);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe("deploy/compose.yaml", () => {
  it("runs the agent and the dashboard with the least privileges, both reading the lab", async () => {
    const project = `${PREFIX}-compose-${crypto.randomBytes(3).toString("hex")}`;
    const [agentPort, dashboardPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      NSATLAS_IMAGE: tag,
      NSATLAS_TOKEN: TOKEN,
      NSATLAS_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
      NSATLAS_DASHBOARD_LISTEN: `127.0.0.1:${dashboardPort}`,
    };
    const compose = (args: string[]) =>
      spawnSync("docker-compose", ["-f", path.join(ROOT, "deploy/compose.yaml"), "-p", project, ...args], { encoding: "utf8", env, timeout: 180_000 });
    try {
      const up = compose(["up", "-d"]);
      expect(up.status, up.stderr).toBe(0);
      const headers = { authorization: `Bearer ${TOKEN}` };
      await waitForHttp(`http://127.0.0.1:${agentPort}/readyz`, `${project}_agent_1`, 90_000);
      await waitForHttp(`http://127.0.0.1:${dashboardPort}/readyz`, `${project}_dashboard_1`, 90_000);
      const labNetns = manifest.netns.map((n) => n.inode);
      expect(labNetns.length).toBeGreaterThan(0);
      for (const port of [agentPort, dashboardPort]) {
        const answer = await fetch(`http://127.0.0.1:${port}/api/v1/snapshot`, { headers });
        expect(answer.status).toBe(200);
        expect(snapshotSchema.parse(await answer.json()).netns.map((n) => n.id)).toEqual(expect.arrayContaining(labNetns));
      }
      expect((await fetch(`http://127.0.0.1:${dashboardPort}/login`)).status).toBe(200);
      const caps = docker([
        "inspect",
        "--format",
        "{{json .HostConfig.CapAdd}} {{.HostConfig.Privileged}} {{.HostConfig.ReadonlyRootfs}}",
        `${project}_agent_1`,
      ]);
      expect(caps.stdout.trim()).toBe('["SYS_ADMIN","SYS_PTRACE","DAC_READ_SEARCH","NET_BROADCAST"] false true');
    } finally {
      compose(["down", "-v", "--timeout", "10"]);
    }
  }, 300_000);
});
