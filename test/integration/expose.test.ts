/**
 * The ip-netns sync: exposing a lab container's and pod's namespace makes `ip netns exec <name> ip a`
 * work, unexposing undoes it; existing names are never replaced, foreign names never touched, and
 * the whole feature is off unless configured. Names carry the lab prefix, so lab:down sweeps them too.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../server/contract/snapshot";
import { ExposeError, exposeNetns, listExposures, unexposeNetns } from "../../server/expose/expose-netns";
import type { SnapshotService } from "../../server/snapshot/snapshot-service";
import { SnapshotStore } from "../../server/store/snapshot-store";
import { labEnv } from "../lab/lab-env";
import type { LabManifest } from "../lab/manifest";
import { tryRun } from "../lab/sh";
import { labNetns, loadLabManifest } from "./helpers/lab-manifest";
import { labSnapshotService } from "./helpers/lab-service";

let manifest: LabManifest;
let service: SnapshotService;
let store: SnapshotStore;
let snapshot: Snapshot;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-expose-"));
const who = "test expose.test.ts";

beforeAll(async () => {
  manifest = loadLabManifest();
  service = labSnapshotService(manifest);
  store = SnapshotStore.open(dataDir);
  snapshot = await service.snapshot();
});
afterAll(() => {
  // Whatever a failed test left exposed goes the way it came.
  for (const e of store.exposures()) {
    try {
      unexposeNetns(store, e.name);
    } catch {
      // already gone
    }
  }
  store.close();
  service.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const ipA = (name: string) => tryRun("ip", ["netns", "exec", name, "ip", "-br", "addr"]);

describe("expose and unexpose", () => {
  it("makes a container's namespace usable with `ip netns exec`, then not", () => {
    const app = labNetns(manifest, "docker:nslab-app");
    const name = `${manifest.prefix}-x-app`;
    const exposure = exposeNetns(store, snapshot, { target: "container:nslab-app", name }, who);
    expect(exposure).toMatchObject({ name, netnsId: app.inode, path: `/run/netns/${name}`, isMounted: true });
    const inside = ipA(name);
    expect(inside.ok).toBe(true);
    expect(inside.out).toContain(app.interfaces[0]?.addresses[0] ?? "missing");
    expect(listExposures(store).map((e) => [e.name, e.isMounted, e.who])).toEqual([[name, true, who]]);

    unexposeNetns(store, name);
    expect(ipA(name).ok).toBe(false);
    expect(fs.existsSync(`/run/netns/${name}`)).toBe(false);
    expect(store.exposures()).toEqual([]);
  });

  it("exposes a pod under its default name (namespace_pod)", () => {
    const pod = labNetns(manifest, "k8s-docker:nslab-shop/cart-0");
    const exposure = exposeNetns(store, snapshot, { target: "pod:nslab-shop/cart-0" }, who);
    try {
      expect(exposure.name).toBe("nslab-shop_cart-0");
      expect(exposure.netnsId).toBe(pod.inode);
      expect(ipA(exposure.name).out).toContain("10.231.30.");
    } finally {
      unexposeNetns(store, exposure.name);
    }
  });

  it("never replaces an existing name, and leaves the existing one working", () => {
    expect(() => exposeNetns(store, snapshot, { target: "container:nslab-app", name: "nslab-a" }, who)).toThrow(/already exists/);
    expect(ipA("nslab-a").out).toContain("10.231.10.2");
  });

  it("refuses to undo a name it did not make", () => {
    expect(() => unexposeNetns(store, "nslab-a")).toThrow(ExposeError);
    expect(ipA("nslab-a").ok).toBe(true);
  });

  it.each([
    ["container:nslab-app", "../etc", 400],
    ["container:nslab-app", ".", 400],
    ["container:nobody-here", "nslab-x", 404],
    ["pod:nslab-shop/../x", undefined, 400],
    ["netns:" + "9".repeat(12), undefined, 404],
  ])("refuses target %s with name %s (%i)", (target, name, status) => {
    let caught: unknown;
    try {
      exposeNetns(store, snapshot, { target, ...(name === undefined ? {} : { name }) }, who);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ExposeError);
    expect(caught instanceof ExposeError ? caught.status : 0).toBe(status);
    expect(fs.existsSync("/run/etc")).toBe(false);
  });

  it("refuses the host namespace", () => {
    expect(() => exposeNetns(store, snapshot, { target: "container:nslab-hostnet", name: `${manifest.prefix}-x-h` }, who)).toThrow(/host's own/);
  });
});

describe("nsatlas expose / unexpose", () => {
  const cli = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [path.resolve("server/bin/nsatlas.mjs"), ...args], {
      encoding: "utf8",
      env: { ...process.env, ...labEnv(manifest), NSATLAS_DATA_DIR: dataDir, ...env },
    });

  it("is off unless NSATLAS_ALLOW_EXPOSE=true, and says how to turn it on", () => {
    const off = cli(["expose", "nslab-web1", "--name", `${manifest.prefix}-x-off`], {});
    expect(off.status).toBe(2);
    expect(off.stderr).toContain("NSATLAS_ALLOW_EXPOSE=true");
    expect(fs.existsSync(`/run/netns/${manifest.prefix}-x-off`)).toBe(false);
  });

  it("exposes and unexposes from the command line, recording who asked", () => {
    const name = `${manifest.prefix}-x-cli`;
    const on = { NSATLAS_ALLOW_EXPOSE: "true" };
    const exposed = cli(["expose", "nslab-web1", "--name", name], on);
    // Its only log line is the audit line, on stderr (stdout is the command's output).
    expect(
      exposed.stderr
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([expect.objectContaining({ level: "info", msg: "audit", audit: "expose", who: expect.stringMatching(/^cli /) })]);
    expect(exposed.status).toBe(0);
    expect(exposed.stdout).toContain(`ip netns exec ${name}`);
    expect(ipA(name).out).toContain("172.17.");
    const removed = cli(["unexpose", name], on);
    expect(removed.status).toBe(0);
    expect(ipA(name).ok).toBe(false);
    const audit = store.auditLog().map((a) => `${a.action} ${a.who}`);
    expect(audit[0]).toMatch(/^unexpose cli \S+ \(uid \d+\)$/);
    expect(audit[1]).toMatch(/^expose cli /);
  });
});
