/**
 * `npm run bench:cli`: what the `nsatlas` command costs, as ratios to references measured in the same run.
 *  - start: `nsatlas --version` against a bare `node -e 0` (medians of NSATLAS_BENCH_START_RUNS, default 25,
 *    interleaved); target ≤ 4×.
 *  - snapshot: `nsatlas snapshot --json > file` (a whole process) against the kernel floor
 *    (../shared/tools/nsdump.c) over the same namespaces, interleaved, on the node as it is (the base) and then
 *    with NSATLAS_BENCH_SIZES named namespaces made by ScaleLab (default "250,1000"). Compared as marginal cost
 *    per 1,000 namespaces from each point to the next (base → 250 → 1,000), so that fixed costs (starting Node,
 *    loading modules, the engines' answers) cancel out; target at 1,000 ≤ 2.0×. Three readings of each: wall
 *    time (median, as `npm run bench` does), wall time best of NSATLAS_BENCH_RUNS (other load on the node only
 *    ever adds time), and CPU time (user + sys of every thread, median). The slope from the base is printed
 *    too: it also carries what a fresh process pays once while its code warms up.
 * Runs the bundle as installed (built first), from a temporary working directory, under the Node that runs the
 * benchmark or NSATLAS_BENCH_NODE (a path to another `node`, to compare runtimes). Root only: it makes
 * namespaces and removes them, also on failure or Ctrl-C. Writes test/.results/bench-cli.json.
 */
import { spawnSync, type SpawnSyncOptionsWithStringEncoding } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { buildServer } from "../../scripts/build-server.mjs";
import { benchNode, benchSizes, envInt } from "./bench-env";
import { reapedChildrenCpuMs } from "./child-cpu";
import { buildFloor, floorRun, removeFloor } from "./kernel-floor";
import { fmt as f, marginals, marginalTable, readings, type Cost, type Marginal, type Readings } from "./marginal";
import { median, timeCommand } from "./measure";
import { ScaleLab } from "./scale-lab";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "server/bin/nsatlas.mjs");
const SIZES = benchSizes("250,1000");
const RUNS = envInt("NSATLAS_BENCH_RUNS", 9);
const START_RUNS = envInt("NSATLAS_BENCH_START_RUNS", 25, 20);
const NODE = benchNode();
const START_TARGET = 4;
const SNAPSHOT_TARGET = 2;

const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-bench-cli-"));
const OUT = path.join(cwd, "snapshot.json");
const snapshotCountSchema = z.object({ netns: z.array(z.object({ id: z.string() }).loose()) }).loose();

/**
 * Two ways to run the command: `node BIN` (the official reading: the same V8 settings as `node -e 0`), and BIN executed
 * as a user's shell runs `nsatlas`, whose shebang gives V8 a flag (`--max-semi-space-size=2`, for the agent's memory).
 * Any V8 flag makes Node reject its own code cache (~40 ms more to start), and the young generation's size changes
 * what the collector does per namespace: the second reading shows what a user's command costs.
 */
type Way = "node BIN" | "BIN";
/** `node` first in PATH, for the shebang's `env node` when the benchmark runs another Node (NSATLAS_BENCH_NODE). */
const SHEBANG_ENV = { ...process.env, PATH: `${path.dirname(NODE.path)}:${process.env.PATH ?? ""}` };

/** `nsatlas snapshot --json > file`: no reader at the other end of a pipe competes for the CPUs. */
function timeSnapshot(way: Way = "node BIN"): Cost {
  const fd = fs.openSync(OUT, "w");
  try {
    const cpu = reapedChildrenCpuMs();
    const t = performance.now();
    const options: SpawnSyncOptionsWithStringEncoding = { cwd, encoding: "utf8", stdio: ["ignore", fd, "pipe"], env: SHEBANG_ENV };
    const r = way === "BIN" ? spawnSync(BIN, ["snapshot", "--json"], options) : spawnSync(NODE.path, [BIN, "snapshot", "--json"], options);
    const wallMs = performance.now() - t;
    if (r.status !== 0) throw new Error(`nsatlas snapshot --json exited ${r.status}: ${r.stderr}`);
    return { wallMs, cpuMs: reapedChildrenCpuMs() - cpu };
  } finally {
    fs.closeSync(fd);
  }
}

function measureStart(): { nodeMs: number; versionMs: number; ratio: number } {
  const want = `${z.object({ version: z.string() }).parse(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"))).version}\n`;
  const got = spawnSync(NODE.path, [BIN, "--version"], { cwd, encoding: "utf8" }).stdout;
  if (got !== want) throw new Error(`nsatlas --version printed ${JSON.stringify(got)}, not ${JSON.stringify(want)}`);
  const node: number[] = [];
  const version: number[] = [];
  // Interleaved, so machine noise hits both alike.
  for (let i = 0; i < START_RUNS; i++) {
    node.push(timeCommand(NODE.path, ["-e", "0"]));
    version.push(timeCommand(NODE.path, [BIN, "--version"]));
  }
  const nodeMs = median(node);
  const versionMs = median(version);
  return { nodeMs, versionMs, ratio: versionMs / nodeMs };
}

interface Point {
  /** Named namespaces the benchmark made (0: the node as it is). */
  size: number;
  /** Namespaces in the snapshot. */
  netns: number;
  cli: Readings;
  /** The bin executed, its shebang honoured (see Way). */
  installed: Readings;
  floor?: Readings;
}

function measurePoint(lab: ScaleLab, size: number, floor: string | undefined): Point {
  const paths = ["/proc/self/ns/net", ...lab.paths()];
  timeSnapshot(); // page cache, the kernel's ids for new namespaces; also checks the output
  const netns = snapshotCountSchema.parse(JSON.parse(fs.readFileSync(OUT, "utf8"))).netns.length;
  if (netns < size + 1) throw new Error(`the snapshot has ${netns} namespaces; the benchmark made ${size}`);
  const cli: Cost[] = [];
  const installed: Cost[] = [];
  const floors: Cost[] = [];
  for (let i = 0; i < RUNS; i++) {
    cli.push(timeSnapshot());
    installed.push(timeSnapshot("BIN"));
    if (floor) floors.push(floorRun(floor, paths));
  }
  return { size, netns, cli: readings(cli), installed: readings(installed), ...(floor ? { floor: readings(floors) } : {}) };
}

function report(start: ReturnType<typeof measureStart>, points: Point[], margins: Marginal[], installedMargins: Marginal[]): string {
  const pointRows = points.map(
    (p) =>
      `| ${p.size === 0 ? "base" : p.size} | ${p.netns} | ${f(p.cli.wallMs)} | ${f(p.cli.bestWallMs)} | ${f(p.cli.cpuMs, 0)} | ${f(p.floor?.wallMs)} | ${f(p.floor?.bestWallMs)} | ${f(p.floor?.cpuMs)} |`,
  );
  return [
    `start: nsatlas --version ${f(start.versionMs)} ms, node -e 0 ${f(start.nodeMs)} ms: ${f(start.ratio, 2)}× (target ≤ ${START_TARGET}×; medians of ${START_RUNS}, interleaved)`,
    "",
    `snapshot --json > file against the floor, ${RUNS} runs each, interleaved (ms):`,
    "| N named | netns total | nsatlas wall | best | CPU | floor wall | best | CPU |",
    "|---|---|---|---|---|---|---|---|",
    ...pointRows,
    "",
    "marginal cost per 1,000 namespaces:",
    ...marginalTable(margins, { runs: RUNS, subject: "nsatlas", label: (size) => (size === 0 ? "base" : String(size)) }),
    `(target: marginal ratio at 1,000 ≤ ${SNAPSHOT_TARGET}×)`,
    "",
    `the same, run as a user's shell runs \`nsatlas\` (the bin executed, its shebang's V8 flag applied; base ${points.map((p) => f(p.installed.wallMs)).join(" → ")} ms median):`,
    ...marginalTable(installedMargins, { runs: RUNS, subject: "nsatlas", label: (size) => (size === 0 ? "base" : String(size)) }),
  ].join("\n");
}

async function measureAll(): Promise<void> {
  await buildServer();
  const started = performance.now();
  const start = measureStart();
  console.log(`bench-cli: start ${f(start.ratio, 2)}× (nsatlas --version ${f(start.versionMs)} ms, node -e 0 ${f(start.nodeMs)} ms)`);
  const floor = buildFloor("bench-cli");
  const lab = new ScaleLab();
  lab.destroy(); // whatever a crashed earlier run left
  const interrupted = (signal: NodeJS.Signals) => {
    lab.destroy();
    removeFloor(floor);
    fs.rmSync(cwd, { recursive: true, force: true });
    console.error(`bench-cli: ${signal}: removed the benchmark's namespaces`);
    process.exit(1);
  };
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    const points = [measurePoint(lab, 0, floor)];
    for (const size of SIZES) {
      const grow = performance.now();
      await lab.growTo(size);
      console.log(`bench-cli: ${size} named namespaces ready (${((performance.now() - grow) / 1000).toFixed(1)} s); measuring`);
      points.push(measurePoint(lab, size, floor));
    }
    const margins = marginals(points, (p) => p.cli);
    const installedMargins = marginals(points, (p) => p.installed);
    const load = os.loadavg().map((l) => l.toFixed(2));
    console.log(
      `\n${report(start, points, margins, installedMargins)}\n\nbench-cli: Node ${NODE.version}, ${os.cpus().length} CPUs, load average ${load.join(" ")}, kernel ${os.release()}, ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
    );
    fs.mkdirSync(path.join(ROOT, "test/.results"), { recursive: true });
    fs.writeFileSync(
      path.join(ROOT, "test/.results/bench-cli.json"),
      JSON.stringify(
        {
          at: new Date().toISOString(),
          kernel: os.release(),
          node: NODE.version,
          loadAverage: os.loadavg(),
          start,
          points,
          // cliPer1000: the name earlier results files use.
          margins: margins.map(({ per1000, ...m }) => ({ ...m, cliPer1000: per1000 })),
          installedMargins,
        },
        null,
        2,
      ),
    );
  } finally {
    lab.destroy();
    removeFloor(floor);
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("the benchmark creates namespaces: run it as root");
  try {
    await measureAll();
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
