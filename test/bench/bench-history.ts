/**
 * `npm run bench:history`: what the snapshot history costs at N namespaces (default 250): bytes per
 * stored snapshot (first, network unchanged, one namespace changed), bytes per day, the time to
 * store and read one, and the listeners pass the history adds to a snapshot, each against a plain
 * snapshot measured in the same run. Makes its own namespaces (prefix nsb) and removes them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseConfig } from "../../server/config";
import { SnapshotService } from "../../server/snapshot/snapshot-service";
import { SnapshotStore } from "../../server/store/snapshot-store";
import { run } from "../lab/sh";
import { median } from "./measure";
import { BENCH_PREFIX, ScaleLab } from "./scale-lab";

const SIZE = Number(process.env.NSATLAS_BENCH_SIZE ?? 250);
const RUNS = Number(process.env.NSATLAS_BENCH_RUNS ?? 7);
const RECORD_INTERVAL_S = 30;
const NO_ENGINE = "/nonexistent/nsatlas-bench.sock";

const time = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
  const started = performance.now();
  const value = await f();
  return [value, performance.now() - started];
};
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const lab = new ScaleLab();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-bench-history-"));
  // Engines are not the subject here: procfs, mountinfo and netlink only.
  const service = new SnapshotService(
    parseConfig({ NSATLAS_SNAPSHOT_TTL_MS: "0", NSATLAS_DOCKER_SOCKET: NO_ENGINE, NSATLAS_PODMAN_SOCKET: NO_ENGINE, NSATLAS_CRI_SOCKETS: NO_ENGINE }),
  );
  const store = SnapshotStore.open(dir);
  try {
    lab.destroy();
    await lab.growTo(SIZE);
    await service.snapshotWithListeners({ fresh: true }); // warm up

    const plain: number[] = [];
    const withListeners: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      plain.push((await time(() => service.snapshot({ fresh: true })))[1]);
      withListeners.push((await time(() => service.snapshotWithListeners({ fresh: true })))[1]);
    }

    const first = await service.snapshotWithListeners({ fresh: true });
    const firstEntry = store.put(first, "recorded");
    store.checkpoint();
    const fileAfterFirst = fs.statSync(store.file).size;
    const unchanged: number[] = [];
    const changed: number[] = [];
    const putMs: number[] = [];
    const getMs: number[] = [];
    const fingerprintMs: number[] = [];
    const sizeBefore = store.totalBytes();
    for (let i = 0; i < RUNS; i++) {
      const same = await service.snapshotWithListeners({ fresh: true });
      // A scheduled tick on an unchanged network: fingerprint, compare, store nothing.
      fingerprintMs.push((await time(() => store.record(same)))[1]);
      unchanged.push(store.put(same, "frozen").storedBytes);
      // One namespace changes between two recordings: its MTU (what a recorder would store).
      run("ip", ["-n", `${BENCH_PREFIX}-1`, "link", "set", "eth0", "mtu", String(1400 + i)]);
      const next = await service.snapshotWithListeners({ fresh: true });
      const [entry, ms] = await time(() => store.put(next, "recorded"));
      putMs.push(ms);
      changed.push(entry.storedBytes);
      getMs.push((await time(() => store.get(entry.id)))[1]);
    }
    const logicalPerSnapshot = (store.totalBytes() - sizeBefore) / (2 * RUNS);
    store.checkpoint();
    const dbFile = fs.statSync(store.file).size;
    const diskPerSnapshot = (dbFile - fileAfterFirst) / (2 * RUNS);
    const jsonBytes = Buffer.byteLength(JSON.stringify(first));
    const perDayBusy = median(changed) * (86_400 / RECORD_INTERVAL_S);

    const rows: [string, string][] = [
      ["namespaces", String(first.netns.length)],
      ["snapshot ms (plain, median)", median(plain).toFixed(1)],
      [
        "snapshot + listeners ms (what the history stores)",
        `${median(withListeners).toFixed(1)} (${(median(withListeners) / median(plain)).toFixed(2)}× plain)`,
      ],
      ["snapshot as JSON (an export)", kib(jsonBytes)],
      ["first stored snapshot", `${kib(firstEntry.storedBytes)} (${(firstEntry.storedBytes / jsonBytes).toFixed(3)} of its JSON)`],
      ["next snapshot, network unchanged", `${kib(median(unchanged))} (${(median(unchanged) / jsonBytes).toFixed(3)} of its JSON)`],
      ["next snapshot, one namespace changed", `${kib(median(changed))} (${(median(changed) / jsonBytes).toFixed(3)} of its JSON)`],
      ["per day, steady node (nothing recorded after the first)", kib(firstEntry.storedBytes)],
      [`per day, a change every ${RECORD_INTERVAL_S} s (${86_400 / RECORD_INTERVAL_S} snapshots)`, mib(perDayBusy)],
      [
        "store ms: put / get / unchanged tick (median)",
        `${median(putMs).toFixed(1)} / ${median(getMs).toFixed(1)} / ${median(fingerprintMs).toFixed(1)} (put = ${(median(putMs) / median(plain)).toFixed(2)}× a snapshot)`,
      ],
      ["logical bytes per stored snapshot in this run", kib(logicalPerSnapshot)],
      ["database file on disk (checkpointed)", `${kib(dbFile)} for ${store.list().length} snapshots; ${kib(diskPerSnapshot)} per snapshot after the first`],
      [`per day on disk, a change every ${RECORD_INTERVAL_S} s`, mib(diskPerSnapshot * (86_400 / RECORD_INTERVAL_S))],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\nbench:history at ${SIZE} named namespaces (${os.cpus().length} CPUs), medians of ${RUNS}`);
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  } finally {
    store.close();
    service.close();
    lab.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
