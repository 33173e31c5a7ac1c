/**
 * `npm run bench`: the discovery engine at 100, 250 and 1,000 namespaces against, in the same run,
 * the kernel floor (../shared/tools/nsdump.c, when present), the iproute2 script a user would write,
 * and `lsns -t net`. Prints medians and ratios; writes test/.results/bench.json; cleans up.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { NetnsReader } from "../../server/collect/netns-reader";
import type { Snapshot } from "../../server/contract/snapshot";
import { parseNsfsMounts } from "../../server/discover/mountinfo";
import { FdScanner } from "../../server/discover/fd-scan";
import { SnapshotService } from "../../server/snapshot/snapshot-service";
import { takeSnapshot } from "../../server/snapshot/take-snapshot";
import { buildFloor, floorRun, removeFloor } from "./kernel-floor";
import { iproute2Baseline, median, timeCommand } from "./measure";
import { ScaleLab } from "./scale-lab";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SIZES = (process.env.NSATLAS_BENCH_SIZES ?? "100,250,1000").split(",").map(Number);
const RUNS = Number(process.env.NSATLAS_BENCH_RUNS ?? 7);
const PROCESS_HOLDERS = Number(process.env.NSATLAS_BENCH_HOLDERS ?? 100);

const lsnsSchema = z.object({ namespaces: z.array(z.object({ ns: z.union([z.number(), z.string()]) }).loose()) });

/** What lsns and every mount namespace's nsfs mounts know of, that the snapshot does not. */
function missingFrom(snapshot: Snapshot): string[] {
  const ids = new Set(snapshot.netns.map((n) => n.id));
  const lsns = lsnsSchema.parse(JSON.parse(spawnSync("lsns", ["-t", "net", "-J"], { encoding: "utf8" }).stdout)).namespaces.map((n) => String(n.ns));
  const mounts = parseNsfsMounts(fs.readFileSync("/proc/self/mountinfo", "utf8")).map((m) => m.inode);
  return [...new Set([...lsns, ...mounts])].filter((id) => !ids.has(id));
}

interface Row {
  namespaces: number;
  snapshotMs: number;
  discoverMs: number;
  fdScanMs: number;
  readMs: number;
  wireMs: number;
  snapshotNoFdsMs: number;
  floorMs?: number;
  baselineMs: number;
  lsnsMs: number;
  /** The lazy listeners pass for the host namespace (sock_diag + owner lookup over its processes). */
  hostListenersMs: number;
  missing: number;
}

async function measure(reader: NetnsReader, lab: ScaleLab, floor: string | undefined): Promise<Row> {
  const paths = ["/proc/self/ns/net", ...lab.paths()];
  await takeSnapshot(reader, { fdScanner: new FdScanner(0) }); // warm the worker and the page cache
  const runs: Snapshot[] = [];
  const noFds: number[] = [];
  const floors: number[] = [];
  // Interleaved, so machine noise hits every column alike.
  for (let i = 0; i < RUNS; i++) {
    runs.push((await takeSnapshot(reader, { fdScanner: new FdScanner(0) })).snapshot);
    noFds.push((await takeSnapshot(reader, {})).snapshot.timings.totalMs);
    if (floor) floors.push(floorRun(floor, paths).wallMs);
  }
  const baselines: number[] = [];
  for (let i = 0; i < 3; i++) baselines.push(await iproute2Baseline(paths));
  const lsns = Array.from({ length: 5 }, () => timeCommand("lsns", ["-t", "net", "-J"]));
  const service = new SnapshotService({ snapshotTtlMs: 3_600_000, scanFds: false, fdScanIntervalMs: 0, engineTimeoutMs: 2000 });
  const hostId = (await service.snapshot()).netns[0]?.id ?? "";
  const listeners: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await service.netns(hostId); // the snapshot is memoised: this times the listeners pass alone
    listeners.push(performance.now() - t0);
  }
  service.close();
  const last = runs.at(-1);
  if (last === undefined) throw new Error("no runs");
  const t = (k: keyof Snapshot["timings"]) => median(runs.map((s) => s.timings[k]));
  return {
    namespaces: last.netns.length,
    snapshotMs: t("totalMs"),
    discoverMs: t("discoverMs"),
    fdScanMs: t("fdScanMs"),
    readMs: t("readMs"),
    wireMs: t("wireMs"),
    snapshotNoFdsMs: median(noFds),
    ...(floor ? { floorMs: median(floors) } : {}),
    baselineMs: median(baselines),
    lsnsMs: median(lsns),
    hostListenersMs: median(listeners),
    missing: missingFrom(last).length,
  };
}

const f = (n: number | undefined, d = 1): string => (n === undefined ? "-" : n.toFixed(d));

function report(rows: Array<Row & { size: number }>): string {
  const lines = [
    `| N named (+${PROCESS_HOLDERS} process-only) | netns total | snapshot ms | discover | fd scan (full) | read | wire | snapshot w/o fd pass | floor ms | snapshot ÷ floor | iproute2 ms | iproute2 ÷ snapshot | lsns ms | listeners pass (host) ms | missing |`,
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.size} | ${r.namespaces} | ${f(r.snapshotMs)} | ${f(r.discoverMs)} | ${f(r.fdScanMs)} | ${f(r.readMs)} | ${f(r.wireMs)} | ${f(r.snapshotNoFdsMs)} | ${f(r.floorMs)} | ${r.floorMs ? f(r.snapshotMs / r.floorMs, 2) : "-"} | ${f(r.baselineMs, 0)} | ${f(r.baselineMs / r.snapshotMs, 1)} | ${f(r.lsnsMs)} | ${f(r.hostListenersMs)} | ${r.missing} |`,
    ),
  ];
  const r250 = rows.find((r) => r.size === 250);
  const r1000 = rows.find((r) => r.size === 1000);
  if (r250 && r1000)
    lines.push(
      "",
      `growth 250 → 1000: snapshot × ${f(r1000.snapshotMs / r250.snapshotMs, 2)} (floor × ${r250.floorMs && r1000.floorMs ? f(r1000.floorMs / r250.floorMs, 2) : "-"})`,
    );
  return lines.join("\n");
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("the benchmark creates namespaces: run it as root");
  const floor = buildFloor();
  const lab = new ScaleLab();
  const reader = new NetnsReader(120_000);
  const rows: Array<Row & { size: number }> = [];
  lab.destroy(); // whatever a crashed earlier run left
  try {
    const t = performance.now();
    await lab.addProcessHolders(PROCESS_HOLDERS);
    for (const size of SIZES) {
      const grow = performance.now();
      await lab.growTo(size);
      console.log(`bench: ${size} named namespaces ready (${((performance.now() - grow) / 1000).toFixed(1)} s); measuring`);
      rows.push({ size, ...(await measure(reader, lab, floor)) });
      console.log(report(rows.slice(-1)).split("\n").at(-1));
    }
    const missing = rows.filter((r) => r.missing > 0);
    if (missing.length > 0) {
      console.error(`bench: the snapshot missed namespaces that lsns or mountinfo list (${missing.map((r) => `${r.missing} at N=${r.size}`).join(", ")})`);
      process.exitCode = 1;
    }
    console.log(
      `\n${report(rows)}\n\nbench: ${os.cpus().length} CPUs, kernel ${os.release()}, ${RUNS} runs each (iproute2: 3, lsns: 5), ${((performance.now() - t) / 1000).toFixed(0)} s in all`,
    );
    fs.mkdirSync(path.join(ROOT, "test/.results"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "test/.results/bench.json"), JSON.stringify({ at: new Date().toISOString(), kernel: os.release(), rows }, null, 2));
  } finally {
    reader.close();
    lab.destroy();
    removeFloor(floor);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
