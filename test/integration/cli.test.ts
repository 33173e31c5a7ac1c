/**
 * The `nsatlas` command as installed: the package's bin running the bundle, from a working directory
 * outside the package, against the lab. Help and version, usage errors (exit 2, usage on stderr), every
 * command's JSON against its schema and the lab, the agent's address checks, and its start and stop.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { doctorReportSchema } from "../../server/cli/doctor-report";
import { listOutputSchema } from "../../server/cli/list-output";
import { lookupSchema } from "../../server/contract/lookups";
import { snapshotSchema, type Snapshot } from "../../server/contract/snapshot";
import { labEnv } from "../lab/lab-env";
import type { LabManifest, LabNetns } from "../lab/manifest";
import { freePort } from "./helpers/free-port";
import { loadLabManifest } from "./helpers/lab-manifest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "server/bin/nsatlas.mjs");
const VERSION = z.object({ version: z.string() }).parse(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"))).version;

let manifest: LabManifest;
let cwd: string;
let snapshot: Snapshot;

function nsatlas(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    // NSATLAS_NODE_NAME and NSATLAS_TOKEN from the caller's shell must not leak into what is asserted.
    env: { ...process.env, ...labEnv(manifest), NSATLAS_NODE_NAME: "", NSATLAS_TOKEN: "", ...env },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The agent's log: one JSON object per line, each with its level, time, pid and msg. */
const logLineSchema = z.looseObject({ level: z.string(), time: z.string(), pid: z.number(), msg: z.string(), reason: z.string().optional() });
function logLines(text: string): z.infer<typeof logLineSchema>[] {
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => logLineSchema.parse(JSON.parse(line)));
}

function labPod(): LabNetns & { owner: Extract<LabNetns["owner"], { kind: "kubernetes-pod" }> } {
  for (const n of manifest.netns) if (n.owner.kind === "kubernetes-pod") return { ...n, owner: n.owner };
  throw new Error("the lab has no kubernetes pod");
}

beforeAll(() => {
  manifest = loadLabManifest();
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-cli-test-"));
  const r = nsatlas(["snapshot", "--json"]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  snapshot = snapshotSchema.parse(JSON.parse(r.stdout));
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe("nsatlas: help, version, usage errors", () => {
  it("--help prints the commands, flags, environment and exit codes on stdout, exit 0", () => {
    const r = nsatlas(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    for (const word of ["snapshot --json", "list [--json]", "where <", "expose <", "unexpose <name>", "doctor [--json]", "agent [--listen HOST:PORT]"]) {
      expect(r.stdout).toContain(word);
    }
    expect(r.stdout).toContain("docs/configuration.md");
    expect(r.stdout).toContain("NSATLAS_TOKEN");
    expect(r.stdout).toMatch(/Exit codes:\n {2}0 {2}success\n {2}1 {2}failure.*\n {2}2 {2}usage/);
    expect(nsatlas(["where", "--help"]).stdout).toBe(r.stdout);
  });

  it("--version prints package.json's version", () => {
    const r = nsatlas(["--version"]);
    expect(r).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it.each([
    [["frobnicate"], 'nsatlas: unknown command "frobnicate"'],
    [["--frobnicate"], "nsatlas: unknown flag --frobnicate"],
    [["list", "--frobnicate"], "nsatlas list: unknown flag --frobnicate"],
    [["snapshot"], "nsatlas snapshot prints JSON: add --json"],
    [[], "nsatlas: give a command"],
  ])("%j: says what is wrong, then the usage, on stderr; exit 2", (args, message) => {
    const r = nsatlas(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toBe(message);
    expect(r.stderr).toContain("usage: nsatlas snapshot --json | list [--json]");
  });
});

describe("nsatlas snapshot --json", () => {
  it("reads the node: the host namespace first, every lab namespace, the node's name", () => {
    expect(manifest.netns.length).toBeGreaterThan(0);
    expect(snapshot.netns[0]).toMatchObject({ id: manifest.hostInode, isHost: true });
    expect(snapshot.netns.map((n) => n.id)).toEqual(expect.arrayContaining(manifest.netns.map((n) => n.inode)));
    expect(snapshot.node).toMatchObject({ name: os.hostname(), hostname: os.hostname() });
    expect(snapshot.runtimes.map((r) => [r.name, r.status])).toEqual(expect.arrayContaining([["docker", "ok"]]));
  });

  it("names the node NSATLAS_NODE_NAME when it is set", () => {
    const r = nsatlas(["snapshot", "--json"], { NSATLAS_NODE_NAME: "x" });
    expect(r.status).toBe(0);
    expect(snapshotSchema.parse(JSON.parse(r.stdout)).node).toMatchObject({ name: "x", hostname: os.hostname() });
  });
});

describe("nsatlas list", () => {
  it("--json: every namespace with its owners, holders and addresses", () => {
    const r = nsatlas(["list", "--json"]);
    expect(r.status).toBe(0);
    const list = listOutputSchema.parse(JSON.parse(r.stdout));
    expect(list.netns[0]).toMatchObject({ id: manifest.hostInode, isHost: true });
    const ipNetns = manifest.netns.filter((n) => n.owner.kind === "ip-netns");
    expect(ipNetns.length).toBeGreaterThan(0);
    for (const want of ipNetns) {
      const got = list.netns.find((n) => n.id === want.inode);
      expect(got?.owners).toContainEqual({ kind: "ip-netns", name: want.owner.kind === "ip-netns" ? want.owner.name : "" });
      expect(got?.heldBy).toEqual(expect.arrayContaining(want.paths));
      const addresses = want.interfaces.flatMap((i) => i.addresses).filter((a) => !a.startsWith("fe80:"));
      expect(got?.addresses).toEqual(expect.arrayContaining(addresses));
    }
  });

  it("without --json: a table, the host's row first", () => {
    const r = nsatlas(["list"]);
    expect(r.status).toBe(0);
    const [header, host] = r.stdout.split("\n");
    expect(header).toMatch(/^NETNS\s+OWNERS\s+IFACES\s+REFS\s+ADDRESSES$/);
    expect(host?.startsWith(`${manifest.hostInode} (host)`)).toBe(true);
  });
});

describe("nsatlas where", () => {
  it("<namespace/pod> --json: the pod and its namespace", () => {
    const pod = labPod();
    const r = nsatlas(["where", `${pod.owner.namespace}/${pod.owner.name}`, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const found = lookupSchema.parse(JSON.parse(r.stdout));
    expect(found.owner).toMatchObject({ kind: "kubernetes-pod", namespace: pod.owner.namespace, podName: pod.owner.name, uid: pod.owner.uid });
    expect(found.netns.map((n) => n.id)).toEqual([pod.inode]);
    const text = nsatlas(["where", `${pod.owner.namespace}/${pod.owner.name}`]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`kubernetes pod ${pod.owner.namespace}/${pod.owner.name}`);
    expect(text.stdout).toContain(`  netns ${pod.inode}\n`);
  });

  it("an unknown name: exit 1, one line on stderr naming it; a malformed one: exit 2", () => {
    const unknown = nsatlas(["where", "no-such-thing", "--json"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toBe("nsatlas where: no container, podman pod or ip netns no-such-thing on this node (nsatlas list shows what there is)\n");
    const malformed = nsatlas(["where", "../etc/passwd"]);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toBe('nsatlas where: "../etc/passwd" is not a pod (namespace/name) or a container name or id\n');
  });
});

describe("nsatlas doctor", () => {
  it("--json: as root, every capability present", () => {
    const r = nsatlas(["doctor", "--json"]);
    expect(r.status).toBe(0);
    const report = doctorReportSchema.parse(JSON.parse(r.stdout));
    expect(report.isOk).toBe(true);
    expect(report.capabilities.map((c) => [c.name, c.isPresent])).toEqual([
      ["CAP_SYS_ADMIN", true],
      ["CAP_SYS_PTRACE", true],
      ["CAP_DAC_READ_SEARCH", true],
      ["CAP_NET_BROADCAST", true],
    ]);
  });
});

describe("nsatlas agent", () => {
  it.each([
    ["nonsense", '--listen "nonsense": not HOST:PORT'],
    ["127.0.0.1:0", '--listen "127.0.0.1:0": the port must be a number from 1 to 65535'],
    ["::1:7471", '--listen "::1:7471": an IPv6 address goes in brackets'],
  ])("--listen %s: one line naming the value, exit 2", (value, message) => {
    const r = nsatlas(["agent", "--listen", value]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^nsatlas agent: ${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(e\\.g\\. [^\\n]+\\)\\n$`));
  });

  it("--listen 0.0.0.0:7999 without NSATLAS_TOKEN: refused in one JSON error line of its log (stdout), exit 2", () => {
    const r = nsatlas(["agent", "--listen", "0.0.0.0:7999"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("");
    const lines = logLines(r.stdout);
    expect(lines).toEqual([expect.objectContaining({ level: "error", msg: "agent failed to start", exitCode: 2 })]);
    expect(lines[0]?.reason).toMatch(/^nsatlas agent: --listen 0\.0\.0\.0:7999 would open a root-privileged agent to the network: set NSATLAS_TOKEN /);
  });

  it("serves until SIGTERM, logs where (JSON lines on stdout), then exits 0", async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-cli-agent-"));
    const child = spawn(process.execPath, [BIN, "agent", "--listen", `127.0.0.1:${port}`], {
      cwd,
      env: { ...process.env, ...labEnv(manifest), NSATLAS_DATA_DIR: dataDir, NSATLAS_NODE_NAME: "cli-test-node" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      const started = new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (b: Buffer) => {
          stdout += b.toString();
          // Complete lines only; others may come first (a runtime that is absent, say): the start line says "agent listening".
          const line = stdout
            .split("\n")
            .slice(0, -1)
            .find((l) => l.includes('"msg":"agent listening"'));
          if (line !== undefined) resolve(line);
        });
        void exited.then((code) => reject(new Error(`nsatlas agent exited ${code}: ${stderr}`)));
      });
      expect(logLines(await started)).toEqual([
        expect.objectContaining({ level: "info", msg: "agent listening", url: `http://127.0.0.1:${port}`, node: "cli-test-node", version: VERSION }),
      ]);
      expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(logLines(stdout).find((l) => l.msg === "agent stopped")).toMatchObject({ level: "info", signal: "SIGTERM", exitCode: 0 });
      expect(stderr).toBe("");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
