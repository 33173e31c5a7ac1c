/**
 * nsatlas with only the capabilities it needs (root's uid, bounding set CAP_SYS_ADMIN + CAP_SYS_PTRACE +
 * CAP_DAC_READ_SEARCH, via setpriv) reads the lab exactly as full root does, a namespace held only by
 * another user's open fd included; without one of them it degrades the way docs/security.md says, and
 * says so (`nsatlas doctor`, per-namespace errors), never crashing.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotSchema, type Snapshot } from "../../server/contract/snapshot";
import { labEnv } from "../lab/lab-env";
import type { LabManifest } from "../lab/manifest";
import { run, tryRun } from "../lab/sh";
import { loadLabManifest } from "./helpers/lab-manifest";

let manifest: LabManifest;
let full: Snapshot;
const NEEDED = ["sys_admin", "sys_ptrace", "dac_read_search"];
/** A namespace held only by an open fd of a process running as uid 1000 (made in beforeAll). */
const held = { name: "t16lp-fd", inode: "", pid: 0 };

/** Runs the CLI with the bounding set reduced to `caps` (empty: full root). */
function cli(args: string[], caps?: string[]) {
  const command = [process.execPath, path.resolve("server/bin/nsatlas.mjs"), ...args];
  const argv =
    caps === undefined
      ? command
      : ["setpriv", "--inh-caps=-all", "--ambient-caps=-all", `--bounding-set=-all${caps.map((c) => `,+${c}`).join("")}`, "--", ...command];
  const [bin = "", ...rest] = argv;
  return spawnSync(bin, rest, { encoding: "utf8", env: { ...process.env, ...labEnv(manifest) }, maxBuffer: 64 * 1024 * 1024 });
}
const snapshotWith = (caps?: string[]) => {
  const r = cli(["snapshot", "--json"], caps);
  expect(r.status).toBe(0);
  return snapshotSchema.parse(JSON.parse(r.stdout));
};
const shape = (s: Snapshot) => s.netns.map((n) => `${n.id} ${n.interfaces.length} ${n.owners.map((o) => o.kind).join(",")} ${n.errors.length}`).sort();

beforeAll(async () => {
  manifest = loadLabManifest();
  run("ip", ["netns", "add", held.name]);
  held.inode = String(fs.statSync(`/run/netns/${held.name}`).ino);
  // Opened as root, then kept by a process that drops to uid 1000: its /proc/PID/fd is that user's.
  const holder = spawn("sh", ["-c", `exec 9</run/netns/${held.name}; exec setpriv --reuid=1000 --regid=1000 --clear-groups sleep 300`], { stdio: "ignore" });
  held.pid = holder.pid ?? 0;
  for (let i = 0; i < 100 && fs.statSync(`/proc/${held.pid}/status`, { throwIfNoEntry: false }) !== undefined; i++) {
    if (/^Uid:\s+1000\b/m.test(fs.readFileSync(`/proc/${held.pid}/status`, "utf8"))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  run("ip", ["netns", "delete", held.name]);
  full = snapshotWith();
});
afterAll(() => {
  if (held.pid > 0) process.kill(held.pid, "SIGKILL");
  tryRun("ip", ["netns", "delete", held.name]);
});

describe("least privilege", () => {
  it("with CAP_SYS_ADMIN, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH only: every namespace, interface and owner full root sees", () => {
    expect(full.netns.map((n) => n.id)).toContain(held.inode);
    const limited = snapshotWith(NEEDED);
    expect(shape(limited)).toEqual(shape(full));
    expect(limited.netns.length).toBeGreaterThan(1);
    expect(limited.netns.every((n) => n.errors.length === 0)).toBe(true);
    const doctor = cli(["doctor"], NEEDED);
    expect(doctor.status).toBe(0);
    expect(doctor.stdout).toContain("ok       CAP_SYS_ADMIN");
    expect(doctor.stdout).toContain("ok       CAP_DAC_READ_SEARCH");
    // Optional: without it every scan reads every namespace in full, which costs CPU, not correctness.
    expect(doctor.stdout).toMatch(/without {2}CAP_NET_BROADCAST \(optional\): .*every scan reads every namespace in full/);
    expect(cli(["doctor"], [...NEEDED, "net_broadcast"]).stdout).toContain("ok       CAP_NET_BROADCAST");
  });

  it("without CAP_DAC_READ_SEARCH: a namespace held only by another user's fd is not found, and doctor says why", () => {
    const limited = snapshotWith(["sys_admin", "sys_ptrace"]);
    expect(limited.netns.map((n) => n.id)).not.toContain(held.inode);
    expect(limited.netns.length).toBe(full.netns.length - 1);
    const doctor = cli(["doctor"], ["sys_admin", "sys_ptrace"]);
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toMatch(/missing {2}CAP_DAC_READ_SEARCH: .*another user/);
  });

  it("without CAP_SYS_PTRACE: namespaces held only by a process are not found, and doctor says why", () => {
    const limited = snapshotWith(["sys_admin", "dac_read_search"]);
    const processOnly = manifest.netns.find((n) => n.key === "process-only")?.inode ?? "";
    expect(full.netns.map((n) => n.id)).toContain(processOnly);
    expect(limited.netns.map((n) => n.id)).not.toContain(processOnly);
    // Namespaces with a name under /run/netns or /run/docker/netns are still read in full.
    expect(limited.netns.filter((n) => n.errors.length > 0)).toEqual([]);
    const doctor = cli(["doctor"], ["sys_admin", "dac_read_search"]);
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toMatch(/missing {2}CAP_SYS_PTRACE: .*held only by a process/);
  });

  it("without CAP_SYS_ADMIN: every namespace is listed with its owners and an error naming the capability", () => {
    const limited = snapshotWith(["sys_ptrace", "dac_read_search"]);
    expect(limited.netns.map((n) => n.id).sort()).toEqual(full.netns.map((n) => n.id).sort());
    expect(limited.netns.length).toBeGreaterThan(1);
    for (const n of limited.netns) expect(n.errors).toEqual(["setns failed: EPERM (entering a namespace needs CAP_SYS_ADMIN)"]);
    expect(limited.netns.filter((n) => n.owners.length > 0).length).toBe(full.netns.filter((n) => n.owners.length > 0).length);
    expect(cli(["doctor"], ["sys_ptrace", "dac_read_search"]).stdout).toContain("missing  CAP_SYS_ADMIN");
  });
});
