/**
 * `npm run bench:soak`: consecutive scans on the lab (default 2,000; NSATLAS_SOAK_SCANS), with the
 * history recording every scan's network and engines asked each time. Samples heap (after a GC)
 * and RSS every tenth of the run and prints the curve. Exits 1 when memory keeps growing after
 * warm-up: heap over +16 MiB or RSS over +64 MiB from the first sample after warm-up to the end.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseConfig } from "../../server/config";
import { SnapshotService } from "../../server/snapshot/snapshot-service";
import { SnapshotHistory } from "../../server/store/snapshot-history";
import { labConfig, manifestPath } from "../lab/lab-config";
import { labEnv } from "../lab/lab-env";
import { readManifest } from "../lab/manifest";

const SCANS = Number(process.env.NSATLAS_SOAK_SCANS ?? 2000);
const HEAP_BOUND = 16 * 1024 * 1024;
const RSS_BOUND = 64 * 1024 * 1024;
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);

async function main(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --expose-gc (npm run bench:soak does)");
  const labFile = manifestPath(labConfig());
  const env = fs.existsSync(labFile) ? labEnv(readManifest(labFile)) : {};
  const service = new SnapshotService(parseConfig({ ...env, NSATLAS_SNAPSHOT_TTL_MS: "0", NSATLAS_ENGINE_REFRESH_MS: "0", NSATLAS_FD_SCAN_INTERVAL_MS: "0" }));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-soak-"));
  const history = new SnapshotHistory({ dataDir, recordIntervalMs: 0, historyMaxAgeMs: 3_600_000, historyMaxBytes: 8 * 1024 * 1024 }, service);
  const samples: { scan: number; heap: number; rss: number }[] = [];
  const every = Math.max(1, Math.floor(SCANS / 10));
  const started = performance.now();
  try {
    for (let i = 1; i <= SCANS; i++) {
      await service.snapshot({ fresh: true });
      if (i % 20 === 0) await history.record();
      if (i % every === 0) {
        gc();
        const m = process.memoryUsage();
        samples.push({ scan: i, heap: m.heapUsed, rss: m.rss });
      }
    }
  } finally {
    history.close();
    service.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  // The first sample is the warm-up; growth is measured from the second to the last, so it takes three.
  const warm = samples[1];
  const last = samples.at(-1);
  if (warm === undefined || last === undefined || last === warm) throw new Error(`${samples.length} samples: growth needs three (NSATLAS_SOAK_SCANS >= 3)`);
  console.log(
    `\nbench:soak: ${SCANS} scans in ${((performance.now() - started) / 1000).toFixed(0)} s (engines asked and fds scanned every time, history every 20th)`,
  );
  console.log("  scan   heap MiB  RSS MiB");
  for (const s of samples) console.log(`  ${String(s.scan).padStart(5)}  ${mib(s.heap).padStart(8)}  ${mib(s.rss).padStart(7)}`);
  const heapGrowth = last.heap - warm.heap;
  const rssGrowth = last.rss - warm.rss;
  const isBounded = heapGrowth <= HEAP_BOUND && rssGrowth <= RSS_BOUND;
  console.log(
    `  after warm-up (scan ${warm.scan} → ${last.scan}): heap ${heapGrowth >= 0 ? "+" : ""}${mib(heapGrowth)} MiB, RSS ${rssGrowth >= 0 ? "+" : ""}${mib(rssGrowth)} MiB: ${isBounded ? "bounded" : "GROWING"}`,
  );
  return isBounded ? 0 : 1;
}

process.exitCode = await main();
