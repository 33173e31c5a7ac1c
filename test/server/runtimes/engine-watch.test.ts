import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DISCOVER } from "../../../server/config";
import { engineMessage } from "../../../server/contract/runtime-status";
import { EngineLocator } from "../../../server/runtimes/engine-locator";
import { EngineWatch } from "../../../server/runtimes/engine-watch";
import type { RuntimeAdapter } from "../../../server/runtimes/runtime";
import type { Workload } from "../../../server/runtimes/workload";

/** An adapter whose answers the test releases one by one (a real engine's timing, made explicit). */
function scriptedAdapter() {
  const pending: Array<(w: Workload[]) => void> = [];
  let asked = 0;
  const adapter: RuntimeAdapter = {
    name: "docker",
    endpoint: "/scripted.sock",
    version: async () => ({ name: "docker", version: "x" }),
    listWorkloads: () =>
      new Promise<Workload[]>((resolve) => {
        asked++;
        pending.push(resolve);
      }),
    close: () => {},
  };
  const workload = (id: string): Workload => ({ runtime: "docker", kind: "container", id, name: id, state: "running", labels: {} });
  return { adapter, answer: (...ids: string[]) => pending.shift()?.(ids.map(workload)), asked: () => asked };
}

const ids = (s: { workloads: Workload[] }) => s.workloads.map((w) => w.id);
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("EngineWatch", () => {
  it("waits for the engines when there is no earlier answer", async () => {
    const e = scriptedAdapter();
    const watch = new EngineWatch([e.adapter], 1000, 0);
    watch.refresh();
    const state = watch.stateFor("a,b");
    e.answer("c1");
    expect(ids(await state)).toEqual(["c1"]);
  });

  it("does not wait when the namespaces are unchanged, and uses the fresh answer next time", async () => {
    const e = scriptedAdapter();
    const watch = new EngineWatch([e.adapter], 1000, 0);
    watch.refresh();
    const first = watch.stateFor("a,b");
    e.answer("c1");
    await first;
    watch.refresh(); // second snapshot: the engines are slow to answer
    expect(ids(await watch.stateFor("a,b"))).toEqual(["c1"]);
    e.answer("c1", "c2");
    await tick();
    watch.refresh();
    expect(ids(await watch.stateFor("a,b"))).toEqual(["c1", "c2"]);
  });

  it("waits for the fresh answer when a namespace appeared or vanished", async () => {
    const e = scriptedAdapter();
    const watch = new EngineWatch([e.adapter], 1000, 0);
    watch.refresh();
    const first = watch.stateFor("a");
    e.answer("c1");
    await first;
    watch.refresh();
    const second = watch.stateFor("a,b");
    e.answer("c1", "c2");
    expect(ids(await second)).toEqual(["c1", "c2"]);
  });

  it("asks at most once per refresh interval while nothing changes, and at once when something does", async () => {
    let now = 0;
    const e = scriptedAdapter();
    const watch = new EngineWatch([e.adapter], 1000, 5000, () => now);
    watch.refresh();
    const first = watch.stateFor("a");
    e.answer("c1");
    await first;
    for (let i = 0; i < 3; i++) {
      now += 1000;
      watch.refresh();
      expect(ids(await watch.stateFor("a"))).toEqual(["c1"]);
    }
    expect(e.asked()).toBe(1);
    now += 1000;
    watch.refresh(); // no refresh due yet, but the namespaces changed
    const changed = watch.stateFor("a,b");
    e.answer("c1", "c2");
    expect(ids(await changed)).toEqual(["c1", "c2"]);
    expect(e.asked()).toBe(2);
  });
});

describe("EngineWatch and stopped engines", () => {
  it("reports an engine that answered before and now has no socket as down, not as never installed", async () => {
    let present = true;
    const adapter: RuntimeAdapter = {
      name: "docker",
      endpoint: "/run/engine.sock",
      version: async () => ({ name: "docker", version: "x" }),
      listWorkloads: async () => {
        if (!present) throw Object.assign(new Error("connect ENOENT /run/engine.sock"), { code: "ENOENT" });
        return [];
      },
      close: () => {},
    };
    const watch = new EngineWatch([adapter], 1000, 0);
    watch.refresh();
    expect((await watch.stateFor("a")).runtimes[0]?.status).toBe("ok");
    present = false;
    watch.refresh();
    const down = (await watch.stateFor("a,b")).runtimes[0];
    expect(down).toMatchObject({
      state: "stopped",
      status: "unreachable",
      detail: "ENOENT",
      lastOkAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      message: engineMessage("docker", "/run/engine.sock", "stopped"),
    });

    const fresh = new EngineWatch([adapter], 1000, 0);
    fresh.refresh();
    expect((await fresh.stateFor("a")).runtimes[0]).toMatchObject({ state: "absent", status: "absent", detail: "ENOENT" });
  });

  it("reports a discovered engine that stopped at the socket it answered on, with where it came from and what was tried", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "t17sock-watch-"));
    const first = path.join(dir, "first.sock");
    const socket = path.join(dir, "docker.sock");
    const server = http.createServer((req, res) => res.end(req.url?.startsWith("/containers/json") ? "[]" : JSON.stringify({ Version: "1" })));
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    const wellKnown = { docker: [first, socket], podman: [], "containerd-cri": [], "cri-o": [] };
    const locator = new EngineLocator({ dockerSocket: DISCOVER, engineTimeoutMs: 1000 }, { wellKnown, hostView: () => ({ userRuntimeDirs: [], kubelet: [] }) });
    const watch = new EngineWatch(locator, 1000, 0);
    try {
      watch.refresh();
      expect((await watch.stateFor("a")).runtimes).toMatchObject([{ state: "ok", endpoint: socket, source: "well-known" }]);
      await new Promise((resolve) => server.close(resolve)); // removes the socket file
      watch.refresh();
      const [down, ...more] = (await watch.stateFor("a,b")).runtimes;
      expect(more).toEqual([]);
      expect(down).toMatchObject({ state: "stopped", endpoint: socket, source: "well-known", detail: "ENOENT" });
      expect(down?.candidates).toEqual([
        { endpoint: first, source: "well-known", state: "absent", detail: "ENOENT" },
        { endpoint: socket, source: "well-known", state: "stopped", detail: "ENOENT" },
      ]);
    } finally {
      watch.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
