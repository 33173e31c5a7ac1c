/**
 * Faults, each ending in a clear status and recovering without a restart: Docker killed (stopped),
 * restarting (dropped) and back, the CRI socket removed and back, the reader worker dying mid-read,
 * the data directory read-only or full. Engine states are the documented ones (docs/api.md, "Engine
 * states"). (A namespace deleted while being read: snapshot-churn.test.ts.)
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../server/contract/snapshot";
import type { SnapshotService } from "../../server/snapshot/snapshot-service";
import { HistoryUnavailableError, SnapshotHistory } from "../../server/store/snapshot-history";
import type { LabManifest } from "../lab/manifest";
import { run, tryRun, waitFor } from "../lab/sh";
import { expectEngineStatus } from "./helpers/engine-fault-agent";
import { loadLabManifest } from "./helpers/lab-manifest";
import { labSnapshotService } from "./helpers/lab-service";
import { SocketProxy } from "./helpers/socket-proxy";

let manifest: LabManifest;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-faults-"));
const services: SnapshotService[] = [];
beforeAll(() => {
  manifest = loadLabManifest();
});
afterEach(() => {
  for (const s of services.splice(0)) s.close();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const statusOf = (s: Snapshot, name: string) => s.runtimes.find((r) => r.name === name);
const ownersOf = (s: Snapshot, inode: string) => s.netns.find((n) => n.id === inode)?.owners.map((o) => o.kind) ?? [];

/** A snapshot service that reaches one engine through a proxy the test can cut, asking it on every snapshot. */
async function serviceBehindProxy(socketName: string, engineSocket: string, setting: "NSATLAS_DOCKER_SOCKET" | "NSATLAS_CRI_SOCKETS") {
  const proxy = new SocketProxy(path.join(tmp, socketName), engineSocket);
  await proxy.start();
  const service = labSnapshotService(manifest, { [setting]: proxy.path, NSATLAS_ENGINE_REFRESH_MS: "0", NSATLAS_ENGINE_TIMEOUT_MS: "1500" });
  services.push(service);
  return { proxy, service };
}

describe("an engine that dies and comes back", () => {
  it("Docker killed mid-run: the snapshot still answers (process owners), then Docker owners return, no restart", async () => {
    const { proxy, service } = await serviceBehindProxy("docker.sock", manifest.engines.docker.socket, "NSATLAS_DOCKER_SOCKET");
    const web = manifest.netns.find((n) => n.key === "docker:nslab-web1")?.inode ?? "";
    try {
      expect(statusOf(await service.snapshot(), "docker")?.status).toBe("ok");
      // Killed while a snapshot is being taken: that snapshot still completes.
      const during = service.snapshot({ fresh: true });
      proxy.stop();
      expect((await during).netns.length).toBeGreaterThan(0);
      // Engine states may lag one refresh behind (EngineWatch): poll as the dashboard does. A call cut
      // by the kill reads "dropped" first; then the socket is gone, after answering: "stopped".
      let killed = await service.snapshot({ fresh: true });
      await waitFor("docker reported stopped", 15_000, async () => statusOf((killed = await service.snapshot({ fresh: true })), "docker")?.state === "stopped");
      const stopped = expectEngineStatus(killed.runtimes, { name: "docker", endpoint: proxy.path, state: "stopped", detail: "ENOENT" });
      expect(Date.parse(stopped.lastOkAt ?? "")).toBeLessThanOrEqual(Date.now());
      await waitFor(
        "process owners for the container",
        15_000,
        async () => ownersOf((killed = await service.snapshot({ fresh: true })), web).join() === "process",
      );
      // Restarting: the socket is back but every connection closes before an answer.
      const restarting = net.createServer((c) => c.destroy());
      await new Promise<void>((resolve) => restarting.listen(proxy.path, resolve));
      try {
        let flapping = killed;
        await waitFor(
          "docker reported dropped",
          15_000,
          async () => statusOf((flapping = await service.snapshot({ fresh: true })), "docker")?.state === "dropped",
        );
        expectEngineStatus(flapping.runtimes, { name: "docker", endpoint: proxy.path, state: "dropped", detail: /^(EPIPE|ECONNRESET)$/ });
      } finally {
        await new Promise((resolve) => restarting.close(resolve));
      }
      await proxy.start();
      let back = killed;
      await waitFor("docker answering again", 15_000, async () => statusOf((back = await service.snapshot({ fresh: true })), "docker")?.state === "ok");
      expectEngineStatus(back.runtimes, { name: "docker", endpoint: proxy.path, state: "ok" });
      await waitFor("docker owners back", 15_000, async () => ownersOf(await service.snapshot({ fresh: true }), web).includes("docker-container"));
    } finally {
      proxy.stop();
    }
  });

  it("CRI socket removed: CRI pods keep their ip-netns and process owners, and come back with the socket", async () => {
    const { proxy, service } = await serviceBehindProxy("containerd.sock", manifest.engines.containerd.socket, "NSATLAS_CRI_SOCKETS");
    const api = manifest.netns.find((n) => n.key === "k8s-cri:nslab-cri/api-0")?.inode ?? "";
    try {
      expect(ownersOf(await service.snapshot(), api)).toContain("kubernetes-pod");
      proxy.stop();
      let gone = await service.snapshot({ fresh: true });
      await waitFor(
        "CRI reported stopped",
        15_000,
        async () => statusOf((gone = await service.snapshot({ fresh: true })), "containerd-cri")?.state === "stopped",
      );
      expectEngineStatus(gone.runtimes, { name: "containerd-cri", endpoint: proxy.path, state: "stopped", detail: "ENOENT" });
      await waitFor(
        "CRI pods without their pod owner",
        15_000,
        async () => !ownersOf((gone = await service.snapshot({ fresh: true })), api).includes("kubernetes-pod"),
      );
      expect(ownersOf(gone, api)).toEqual(expect.arrayContaining(["ip-netns", "process"]));
      await proxy.start();
      await waitFor("CRI pods owned again", 30_000, async () => ownersOf(await service.snapshot({ fresh: true }), api).includes("kubernetes-pod"));
    } finally {
      proxy.stop();
    }
  });
});

describe("the reader worker dying mid-read", () => {
  it("fails that snapshot with a clear error at once, and the next one works", async () => {
    const service = labSnapshotService(manifest);
    services.push(service);
    await service.snapshot();
    const inFlight = service.snapshot({ fresh: true });
    service.reader.close(); // the worker thread ends, as if it had crashed
    const started = Date.now();
    const outcome = await inFlight.then(
      (s) => ({ ok: true as const, s }),
      (err: unknown) => ({ ok: false as const, err }),
    );
    expect(Date.now() - started).toBeLessThan(5000);
    if (!outcome.ok) expect(String(outcome.err)).toMatch(/netns reader (exited|gave no answer)/);
    const next = await service.snapshot({ fresh: true });
    expect(next.netns.length).toBeGreaterThanOrEqual(manifest.netns.length);
  });
});

describe("the data directory", () => {
  const mountPoint = path.join(tmp, "data");
  const history = () => {
    const service = labSnapshotService(manifest);
    services.push(service);
    return new SnapshotHistory({ dataDir: mountPoint, recordIntervalMs: 0, historyMaxAgeMs: 3_600_000, historyMaxBytes: 1e9 }, service);
  };
  beforeAll(() => {
    fs.mkdirSync(mountPoint, { recursive: true });
    run("mount", ["-t", "tmpfs", "-o", "size=2m", "nsatlas-test-data", mountPoint]);
  });
  afterAll(() => {
    tryRun("umount", [mountPoint]);
  });

  it("read-only: writes fail with the reason, reads go on, and writes work again once it is writable", async () => {
    const h = history();
    try {
      await h.freeze();
      // A file system cannot be remounted read-only under an open database: the agent finds it so
      // when it (re)opens the store, as after a failure or on start.
      h.close();
      run("mount", ["-o", "remount,ro", mountPoint]);
      const refused = await h.freeze().catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(HistoryUnavailableError);
      expect(String(refused)).toMatch(/readonly|read-only/i);
      expect(h.list()).toMatchObject({ isAvailable: false, error: expect.stringMatching(/readonly|read-only/i) });
      run("mount", ["-o", "remount,rw", mountPoint]);
      expect((await h.freeze()).origin).toBe("frozen");
    } finally {
      tryRun("mount", ["-o", "remount,rw", mountPoint]);
      h.close();
    }
  });

  it("full: writes fail saying the disk is full, and work again once there is room", async () => {
    const h = history();
    const filler = path.join(mountPoint, "filler");
    try {
      await h.freeze();
      // Fill what is left of the 2 MiB tmpfs.
      tryRun("dd", ["if=/dev/zero", `of=${filler}`, "bs=64k", "count=64"]);
      let refused: unknown;
      for (let i = 0; i < 5 && refused === undefined; i++)
        refused = await h.freeze().then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(refused).toBeInstanceOf(HistoryUnavailableError);
      expect(String(refused)).toMatch(/full/i);
      expect(h.list()).toMatchObject({ isAvailable: true });
      fs.rmSync(filler);
      expect((await h.freeze()).origin).toBe("frozen");
      expect(h.error).toBeUndefined();
    } finally {
      fs.rmSync(filler, { force: true });
      h.close();
    }
  });
});
