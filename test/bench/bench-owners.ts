/**
 * `npm run bench:owners`: what owner resolution adds to a snapshot, with 50 Docker containers on
 * top of the lab (its dockershim, CRI and podman pods). Warm = adapters that have seen every
 * container; cold = new adapters. Brings the lab up if it is not (and down again), starts and
 * removes its own containers (label nsatlas.bench=owners).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { NetnsReader } from "../../server/collect/netns-reader";
import { DISCOVER, parseConfig } from "../../server/config";
import { createCriRuntime } from "../../server/runtimes/cri-runtime";
import { createDockerApiRuntime } from "../../server/runtimes/docker-runtime";
import { createPodmanRuntime } from "../../server/runtimes/podman-runtime";
import { EngineWatch } from "../../server/runtimes/engine-watch";
import type { RuntimeAdapter } from "../../server/runtimes/runtime";
import { takeSnapshot } from "../../server/snapshot/take-snapshot";
import { labDown, labUp } from "../lab/lab";
import { labConfig, manifestPath } from "../lab/lab-config";
import { labEnv } from "../lab/lab-env";
import { readManifest } from "../lab/manifest";
import { tryRun } from "../lab/sh";
import { median } from "./measure";

const CONTAINERS = Number(process.env.NSATLAS_BENCH_CONTAINERS ?? 50);
const RUNS = Number(process.env.NSATLAS_BENCH_RUNS ?? 9);
const LABEL = "nsatlas.bench=owners";

function docker(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("docker", args, { stdio: "ignore" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`docker ${args.join(" ")} exited ${code}`))));
  });
}

function removeBenchContainers(): void {
  const ids = tryRun("docker", ["ps", "-aq", "--filter", `label=${LABEL}`])
    .out.split("\n")
    .filter(Boolean);
  if (ids.length > 0) tryRun("docker", ["rm", "-f", ...ids]);
}

async function main(): Promise<void> {
  const config = labConfig();
  const broughtUp = !fs.existsSync(manifestPath(config));
  const manifest = broughtUp ? await labUp(config) : readManifest(manifestPath(config));
  const env = parseConfig(labEnv(manifest));
  removeBenchContainers();
  const reader = new NetnsReader(120_000);
  try {
    const started = performance.now();
    for (let i = 0; i < CONTAINERS; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, CONTAINERS - i) }, (_, k) =>
          docker(["run", "-d", "--name", `nsb-c${i + k}`, "--label", LABEL, config.image.docker, "sleep", "2147483647"]),
        ),
      );
    }
    console.log(`bench:owners: ${CONTAINERS} containers started in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const dockerAdapter = createDockerApiRuntime({ name: "docker", socketPath: env.dockerSocket, timeoutMs: 10_000 });
    const adapters = (): RuntimeAdapter[] => [
      dockerAdapter,
      createPodmanRuntime({ socketPath: env.podmanSocket, timeoutMs: 10_000 }),
      ...(env.criSockets === DISCOVER ? [] : env.criSockets).map((socketPath) => createCriRuntime({ socketPath, timeoutMs: 10_000 })),
    ];
    const warmAdapters = adapters();
    // Asked on every snapshot (refresh 0), and at the default refresh interval.
    const warmEngines = new EngineWatch(warmAdapters, 10_000, 0);
    const intervalEngines = new EngineWatch(adapters(), 10_000, parseConfig({}).engineRefreshMs);
    await takeSnapshot(reader, { engines: warmEngines }); // warm the worker and every cache
    await takeSnapshot(reader, { engines: intervalEngines });
    const without: number[] = [];
    const warm: number[] = [];
    const warmOwners: number[] = [];
    const interval: number[] = [];
    const before = { ...dockerAdapter.calls };
    for (let i = 0; i < RUNS; i++) {
      without.push((await takeSnapshot(reader, {})).snapshot.timings.totalMs);
      const s = (await takeSnapshot(reader, { engines: warmEngines })).snapshot;
      warm.push(s.timings.totalMs);
      warmOwners.push(s.timings.ownersMs);
      interval.push((await takeSnapshot(reader, { engines: intervalEngines })).snapshot.timings.totalMs);
    }
    const warmCalls = { lists: dockerAdapter.calls.lists - before.lists, inspects: dockerAdapter.calls.inspects - before.inspects };
    intervalEngines.close();

    const cold: number[] = [];
    const coldDocker: number[] = [];
    let coldCalls = { lists: 0, inspects: 0 };
    for (let i = 0; i < Math.min(RUNS, 5); i++) {
      const fresh = createDockerApiRuntime({ name: "docker", socketPath: env.dockerSocket, timeoutMs: 10_000 });
      const s = (await takeSnapshot(reader, { engines: new EngineWatch([fresh, ...adapters().slice(1)], 10_000) })).snapshot;
      cold.push(s.timings.totalMs);
      coldDocker.push(s.runtimes.find((r) => r.name === "docker")?.latencyMs ?? 0);
      coldCalls = { ...fresh.calls };
    }
    const containers = (await takeSnapshot(reader, { engines: warmEngines })).snapshot.netns
      .flatMap((n) => n.owners)
      .filter((o) => o.kind === "docker-container").length;
    const m = { without: median(without), warm: median(warm), interval: median(interval), cold: median(cold) };
    console.log(`
| snapshot | median ms | vs without owners |
|---|---|---|
| without owner resolution | ${m.without.toFixed(1)} | 1.00 |
| with owners, warm caches, engines asked every snapshot | ${m.warm.toFixed(1)} | ${(m.warm / m.without).toFixed(2)} (owners stage alone: ${median(warmOwners).toFixed(1)} ms) |
| with owners, warm caches, default refresh (${parseConfig({}).engineRefreshMs} ms; back-to-back snapshots reuse the answer) | ${m.interval.toFixed(1)} | ${(m.interval / m.without).toFixed(2)} |
| with owners, cold Docker adapter | ${m.cold.toFixed(1)} | ${(m.cold / m.without).toFixed(2)} (Docker answered in ${median(coldDocker).toFixed(1)} ms) |

Docker API calls per warm snapshot: ${(warmCalls.lists / RUNS).toFixed(1)} list, ${(warmCalls.inspects / RUNS).toFixed(1)} inspect; per cold snapshot: ${coldCalls.lists} list, ${coldCalls.inspects} inspect (all concurrent) for ${containers} standalone containers + the lab's pods.
bench:owners: ${os.cpus().length} CPUs, medians of ${RUNS} (cold: ${Math.min(RUNS, 5)}).`);
    warmEngines.close();
  } finally {
    reader.close();
    removeBenchContainers();
    if (broughtUp) await labDown(config);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
