import { describe, expect, it } from "vitest";
import { engineMessage } from "../../../server/contract/runtime-status";
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
});
