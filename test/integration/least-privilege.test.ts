/**
 * nsatlas with only the capabilities it needs (root's uid, bounding set CAP_SYS_ADMIN + CAP_SYS_PTRACE,
 * via setpriv) reads the lab exactly as full root does; without one of them it degrades the way the
 * README says, and says so (`nsatlas doctor`, per-namespace errors), never crashing.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { snapshotSchema, type Snapshot } from "../../server/contract/snapshot";
import { labEnv } from "../lab/lab-env";
import type { LabManifest } from "../lab/manifest";
import { loadLabManifest } from "./helpers/lab-manifest";

let manifest: LabManifest;
let full: Snapshot;

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

beforeAll(() => {
  manifest = loadLabManifest();
  full = snapshotWith();
});

describe("least privilege", () => {
  it("with CAP_SYS_ADMIN and CAP_SYS_PTRACE only: every namespace, interface and owner full root sees", () => {
    const limited = snapshotWith(["sys_admin", "sys_ptrace"]);
    expect(shape(limited)).toEqual(shape(full));
    expect(limited.netns.length).toBeGreaterThan(1);
    expect(limited.netns.every((n) => n.errors.length === 0)).toBe(true);
    const doctor = cli(["doctor"], ["sys_admin", "sys_ptrace"]);
    expect(doctor.status).toBe(0);
    expect(doctor.stdout).toContain("ok       CAP_SYS_ADMIN");
    // Optional: without it every scan reads every namespace in full, which costs CPU, not correctness.
    expect(doctor.stdout).toMatch(/without {2}CAP_NET_BROADCAST \(optional\): .*every scan reads every namespace in full/);
    expect(cli(["doctor"], ["sys_admin", "sys_ptrace", "net_broadcast"]).stdout).toContain("ok       CAP_NET_BROADCAST");
  });

  it("without CAP_SYS_PTRACE: namespaces held only by a process are not found, and doctor says why", () => {
    const limited = snapshotWith(["sys_admin"]);
    const processOnly = manifest.netns.find((n) => n.key === "process-only")?.inode ?? "";
    expect(full.netns.map((n) => n.id)).toContain(processOnly);
    expect(limited.netns.map((n) => n.id)).not.toContain(processOnly);
    // Namespaces with a name under /run/netns or /run/docker/netns are still read in full.
    expect(limited.netns.filter((n) => n.errors.length > 0)).toEqual([]);
    const doctor = cli(["doctor"], ["sys_admin"]);
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toMatch(/missing {2}CAP_SYS_PTRACE: .*held only by a process/);
  });

  it("without CAP_SYS_ADMIN: every namespace is listed with its owners and an error naming the capability", () => {
    const limited = snapshotWith(["sys_ptrace"]);
    expect(limited.netns.map((n) => n.id).sort()).toEqual(full.netns.map((n) => n.id).sort());
    expect(limited.netns.length).toBeGreaterThan(1);
    for (const n of limited.netns) expect(n.errors).toEqual(["setns failed: EPERM (entering a namespace needs CAP_SYS_ADMIN)"]);
    expect(limited.netns.filter((n) => n.owners.length > 0).length).toBe(full.netns.filter((n) => n.owners.length > 0).length);
    expect(cli(["doctor"], ["sys_ptrace"]).stdout).toContain("missing  CAP_SYS_ADMIN");
  });
});
