/**
 * `npm run bench:agent`: the node agent against issue 15's targets. The agent is `nsatlas agent` as
 * installed (the package's bin running the bundle, built first), a real process on a free loopback port,
 * its data directory a temporary one, pointed at the test lab's engines. Each figure is printed with its
 * target and ok/OVER; costs the target states as ratios are ratios to references measured in the same run
 * (a shared, noisy 2-core machine).
 *  1. Change → event latency (target ≤ 1 s): one client on GET /api/v1/events; NSATLAS_BENCH_CHANGES (50)
 *     times `ip netns add` plus a veth from the host into it, 300 ms apart, each timed from just before
 *     its commands to the arrival of the `change` event whose `added` holds its inode; then each removed
 *     the same way, timed to the event whose `removed` holds it. On the lab alone, and again at the CPU point.
 *  2. CPU (target ≤ 2% of one core) at NSATLAS_BENCH_CPU_SIZE (250) named namespaces plus
 *     NSATLAS_BENCH_HOLDERS (100) held only by a process, as `npm run bench` makes them: one SSE subscriber,
 *     NSATLAS_BENCH_CPU_WARMUP_MS (30 s) of warm-up, then NSATLAS_BENCH_CPU_WINDOWS (3) windows of
 *     NSATLAS_BENCH_CPU_MS (30 s): user + sys of every thread of the process, the median window. The
 *     baseline is the same agent, measured the same way before its first subscriber came.
 *  3. Resident memory (target VmRSS ≤ 96 MiB): the whole process, its reader worker included, after 5 full
 *     snapshots (NSATLAS_SNAPSHOT_TTL_MS=0: each a scan), at every point, with no NODE_OPTIONS, with
 *     NODE_OPTIONS=--max-semi-space-size=1 (what the packaged agent sets) and with =2 (the bin's shebang).
 *  4. GET /api/v1/snapshot (full, each a scan) against the kernel floor over the same namespaces,
 *     interleaved, NSATLAS_BENCH_RUNS (9) each: the marginal cost per 1,000 namespaces from point to point
 *     (target at the last step ≤ 1.3×) in wall time and the agent's CPU time per request, and where one
 *     request's time goes at the largest point (the snapshot's own stage timings; serialising the answer,
 *     estimated by redoing it on the received body in this process; the rest).
 * Points: the lab alone, then NSATLAS_BENCH_SIZES ("250,1000") named namespaces (ScaleLab, prefix nsb)
 * plus the holders. Root only. Everything it makes is removed on the way out, also on failure and on
 * SIGINT/SIGTERM/SIGHUP; what a run killed outright left running is killed by the next (process-ledger.ts).
 * Writes test/.results/bench-agent.json.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { buildServer } from "../../scripts/build-server.mjs";
import { changeEventSchema, type ChangeEvent } from "../../server/contract/events";
import { healthSchema, type Health } from "../../server/contract/health";
import { netnsIdSchema, stageTimingsSchema } from "../../server/contract/snapshot";
import { snapshotJsonBytes } from "../../server/snapshot/snapshot-json";
import { startAgent, type AgentProcess } from "../integration/helpers/agent-process";
import { openSse, type SseClient, type SseFrame } from "../integration/helpers/sse-client";
import { deleteHostLinks } from "../lab/host-links";
import { labConfig, manifestPath } from "../lab/lab-config";
import { labEnv } from "../lab/lab-env";
import { readManifest } from "../lab/manifest";
import { sleep } from "../lab/sh";
import { benchSizes, envInt } from "./bench-env";
import { buildFloor, floorRun, removeFloor } from "./kernel-floor";
import { fmt, marginals, marginalTable, readings, type Cost, type Marginal, type MeasuredPoint, type Readings } from "./marginal";
import { median } from "./measure";
import { deleteNamedNetns } from "./named-netns";
import { ProcessLedger } from "./process-ledger";
import { processCpuMs, processMemory, type ProcessMemory } from "./proc-usage";
import { ScaleLab } from "./scale-lab";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SIZES = benchSizes("250,1000");
const RUNS = envInt("NSATLAS_BENCH_RUNS", 9);
const HOLDERS = envInt("NSATLAS_BENCH_HOLDERS", 100, 0);
const CPU_SIZE = envInt("NSATLAS_BENCH_CPU_SIZE", 250);
const CPU_WARMUP_MS = envInt("NSATLAS_BENCH_CPU_WARMUP_MS", 30_000, 0);
const CPU_WINDOWS = envInt("NSATLAS_BENCH_CPU_WINDOWS", 3);
const CPU_WINDOW_MS = envInt("NSATLAS_BENCH_CPU_MS", 30_000, 1000);
const CHANGES = envInt("NSATLAS_BENCH_CHANGES", 50);
const CHANGE_GAP_MS = 300;
/** A change whose event has not come by then counts as missed. */
const EVENT_TIMEOUT_MS = 15_000;
const SCANS_BEFORE_RSS = 5;
const MIB = 1024 * 1024;
const TARGET = { latencyMs: 1000, cpuPct: 2, rssBytes: 96 * MIB, marginalRatio: 1.3 };
/** The latency namespaces (nsbe-N, host veth ends nsbe-hN): distinct from ScaleLab's "nsb-" and the lab's. */
const PREFIX = "nsbe";
const NODE_OPTION_SETS = [
  { label: "(none)", value: "" },
  { label: "--max-semi-space-size=1", value: "--max-semi-space-size=1" },
  // server/bin/nsatlas.mjs's shebang sets this when the bin is run as a command; `node <bin>` (as here) bypasses it.
  { label: "--max-semi-space-size=2 (the bin's shebang)", value: "--max-semi-space-size=2" },
] as const;

const execFileAsync = promisify(execFile);
const servedSchema = z.object({ id: z.string(), netns: z.array(z.object({ id: netnsIdSchema }).loose()), timings: stageTimingsSchema }).loose();
type Served = z.infer<typeof servedSchema>;
const overviewSchema = z.object({ netns: z.array(z.object({ id: netnsIdSchema }).loose()) }).loose();

const ok = (isOk: boolean) => (isOk ? "ok" : "OVER");
const mib = (bytes: number) => (bytes / MIB).toFixed(1);

// ---- what the benchmark started, for every way out ----

const ledger = new ProcessLedger("bench-agent");
const lab = new ScaleLab();
const agents = new Set<AgentProcess>();
let floor: string | undefined;

function removeLatencyNamespaces(): void {
  deleteNamedNetns(PREFIX);
  deleteHostLinks(PREFIX); // a host end whose namespace the agent still holds open
}

/** Kills the agents (by PID) and the holders, removes every namespace, link and file the benchmark made. */
function removeEverything(): void {
  for (const agent of agents) agent.child.kill("SIGKILL");
  lab.destroy();
  removeLatencyNamespaces();
  removeFloor(floor);
  floor = undefined;
}

/** Runs `work` against a fresh agent, then stops it (SIGTERM by PID, SIGKILL after 10 s). */
async function withAgent<T>(env: Record<string, string>, work: (agent: AgentProcess, pid: number) => Promise<T>): Promise<T> {
  const agent = await startAgent(env);
  const pid = agent.child.pid;
  if (pid === undefined) throw new Error("the agent has no pid");
  agents.add(agent);
  ledger.add([pid]);
  try {
    return await work(agent, pid);
  } finally {
    const { code } = await agent.stop();
    agents.delete(agent);
    ledger.remove([pid]);
    if (code !== 0) console.error(`bench-agent: the agent exited with ${code}:\n${agent.output().slice(-4000)}`);
  }
}

async function health(url: string): Promise<Health> {
  const body: unknown = await (await fetch(`${url}/api/v1/healthz`)).json();
  return healthSchema.parse(body);
}

async function countNetns(url: string): Promise<number> {
  const body: unknown = await (await fetch(`${url}/api/v1/snapshot?view=overview`)).json();
  return overviewSchema.parse(body).netns.length;
}

/** GET /api/v1/snapshot (full view), read to its last byte. */
async function fetchSnapshot(url: string): Promise<{ wallMs: number; body: Buffer }> {
  const t = performance.now();
  const res = await fetch(`${url}/api/v1/snapshot`);
  const body = Buffer.from(await res.arrayBuffer());
  const wallMs = performance.now() - t;
  if (!res.ok) throw new Error(`GET /api/v1/snapshot answered ${res.status}: ${body.toString("utf8").slice(0, 500)}`);
  return { wallMs, body };
}

const parseServed = (body: Buffer): Served => servedSchema.parse(JSON.parse(body.toString("utf8")));

// ---- 1. change → event latency ----

interface LatencyRun {
  where: string;
  /** ms from just before the commands to the event; null: none within EVENT_TIMEOUT_MS. */
  addMs: Array<number | null>;
  removeMs: Array<number | null>;
  changeEvents: number;
  resyncs: number;
}

const parsedEvents = new WeakMap<SseFrame, ChangeEvent | null>();
/** Change events that do not parse as the contract says (they match no change). */
const malformedEvents: string[] = [];

/** The frame's change event; never throws (it runs inside the SSE reader, which would stop reading). */
function changeOf(frame: SseFrame): ChangeEvent | undefined {
  if (frame.event !== "change") return undefined;
  let event = parsedEvents.get(frame);
  if (event === undefined) {
    let parsed: ReturnType<typeof changeEventSchema.safeParse> | undefined;
    try {
      parsed = changeEventSchema.safeParse(JSON.parse(frame.data));
    } catch {
      parsed = undefined; // not JSON
    }
    event = parsed?.success ? parsed.data : null;
    if (event === null) malformedEvents.push(frame.data.slice(0, 300));
    parsedEvents.set(frame, event);
  }
  return event ?? undefined;
}

/** ms from `since` to the first change event that arrived after it and lists `id` under `side`; null when none comes. */
async function arrival(sse: SseClient, side: "added" | "removed", id: string, since: number): Promise<number | null> {
  try {
    const frame = await sse.next((f) => f.receivedAt >= since && (changeOf(f)?.[side].includes(id) ?? false), EVENT_TIMEOUT_MS);
    return frame.receivedAt - since;
  } catch {
    return null;
  }
}

/** One subscriber on the agent's event stream (it must be the only one, as the measurements assume). */
async function subscribe(url: string): Promise<SseClient> {
  const sse = await openSse(`${url}/api/v1/events`);
  if (sse.status !== 200) {
    sse.close();
    throw new Error(`GET /api/v1/events answered ${sse.status}`);
  }
  return sse;
}

/** Makes and removes CHANGES namespaces, timing each to its event on `sse`. */
async function measureLatency(sse: SseClient, where: string): Promise<LatencyRun> {
  try {
    const firstFrame = sse.frames.length;
    const made: Array<{ name: string; inode: string }> = [];
    const added: Array<Promise<number | null>> = [];
    for (let i = 1; i <= CHANGES; i++) {
      const name = `${PREFIX}-${i}`;
      const started = Date.now(); // the SSE reader stamps frames with Date.now()
      await execFileAsync("ip", ["netns", "add", name]);
      await execFileAsync("ip", ["link", "add", `${PREFIX}-h${i}`, "type", "veth", "peer", "name", "eth0", "netns", name]);
      const inode = fs.statSync(`/run/netns/${name}`, { bigint: true }).ino.toString();
      made.push({ name, inode });
      added.push(arrival(sse, "added", inode, started));
      await sleep(started + CHANGE_GAP_MS - Date.now());
    }
    const addMs = await Promise.all(added);
    const removed: Array<Promise<number | null>> = [];
    for (const { name, inode } of made) {
      const started = Date.now();
      await execFileAsync("ip", ["netns", "del", name]);
      removed.push(arrival(sse, "removed", inode, started));
      await sleep(started + CHANGE_GAP_MS - Date.now());
    }
    const removeMs = await Promise.all(removed);
    const frames = sse.frames.slice(firstFrame);
    return {
      where,
      addMs,
      removeMs,
      changeEvents: frames.filter((f) => f.event === "change").length,
      resyncs: frames.filter((f) => f.event === "resync").length,
    };
  } finally {
    removeLatencyNamespaces();
  }
}

interface LatencyStats {
  arrived: number;
  withinTarget: number;
  p50?: number;
  p90?: number;
  p99?: number;
  max?: number;
}

/** Nearest-rank percentiles of what arrived (with 50 samples p99 is the largest). */
function latencyStats(xs: Array<number | null>): LatencyStats {
  const sorted = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return {
    arrived: sorted.length,
    withinTarget: sorted.filter((x) => x <= TARGET.latencyMs).length,
    p50: rank(0.5),
    p90: rank(0.9),
    p99: rank(0.99),
    max: sorted.at(-1),
  };
}

function latencyLines(run: LatencyRun): string[] {
  const add = latencyStats(run.addMs);
  const rem = latencyStats(run.removeMs);
  const figure = (name: string, ms: number | undefined) => `${name} ${fmt(ms, 0)} ${ms === undefined ? "" : ok(ms <= TARGET.latencyMs)}`;
  const slowest = run.addMs
    .map((ms, i) => ({ ms, i: i + 1 }))
    .filter((x): x is { ms: number; i: number } => x.ms !== null)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3);
  return [
    `  ${run.where}:`,
    `    added    ${figure("p50", add.p50)}, ${figure("p90", add.p90)}, ${figure("p99", add.p99)}, ${figure("max", add.max)} ms; ${add.withinTarget}/${run.addMs.length} ≤ 1 s ${ok(add.withinTarget === run.addMs.length)}${add.arrived < run.addMs.length ? `; ${run.addMs.length - add.arrived} never arrived` : ""}`,
    `    removed  ${rem.arrived}/${run.removeMs.length} arrived ${ok(rem.arrived === run.removeMs.length)}; p50 ${fmt(rem.p50, 0)}, p90 ${fmt(rem.p90, 0)}, p99 ${fmt(rem.p99, 0)}, max ${fmt(rem.max, 0)} ms; ${rem.withinTarget} ≤ 1 s`,
    `    ${run.changeEvents} change events over the ${run.addMs.length} adds and ${run.removeMs.length} removals, ${run.resyncs} resyncs; slowest adds: ${slowest.map((x) => `#${x.i} ${x.ms} ms`).join(", ")}`,
  ];
}

// ---- 2. CPU with one subscriber, and without ----

interface CpuRun {
  windowsPct: number[];
  medianPct: number;
  /** Scans the agent took over the windows. */
  scans: number;
}

async function cpuWindows(url: string, pid: number): Promise<CpuRun> {
  const before = await health(url);
  const windowsPct: number[] = [];
  for (let i = 0; i < CPU_WINDOWS; i++) {
    const cpu = processCpuMs(pid);
    const t = performance.now();
    await sleep(CPU_WINDOW_MS);
    windowsPct.push(((processCpuMs(pid) - cpu) / (performance.now() - t)) * 100);
  }
  const after = await health(url);
  return { windowsPct, medianPct: median(windowsPct), scans: after.agent.scans - before.agent.scans };
}

interface CpuResult {
  where: string;
  netns: number;
  subscribed: CpuRun;
  baseline: CpuRun;
  latency: LatencyRun;
}

/**
 * The baseline comes first: the agent goes on watching for a minute after its last subscriber leaves (so
 * that a reconnecting client can resume), so "no subscriber" is measured before there ever was one.
 */
async function measureCpu(env: Record<string, string>, where: string): Promise<CpuResult> {
  return withAgent(env, async (agent, pid) => {
    const netns = await countNetns(agent.url);
    const phase = (what: string) =>
      console.log(`bench-agent: CPU at ${where}, ${what}: ${CPU_WARMUP_MS / 1000} s of warm-up, then ${CPU_WINDOWS} × ${CPU_WINDOW_MS / 1000} s`);
    phase("no subscriber");
    await sleep(CPU_WARMUP_MS);
    const baseline = await cpuWindows(agent.url, pid);
    phase("one SSE subscriber");
    const sse = await subscribe(agent.url);
    try {
      await sleep(CPU_WARMUP_MS);
      const subscribed = await cpuWindows(agent.url, pid);
      console.log(`bench-agent: change → event latency at ${where}`);
      const latency = await measureLatency(sse, `at ${where} (${netns} namespaces)`);
      return { where, netns, subscribed, baseline, latency };
    } finally {
      sse.close();
    }
  });
}

// ---- 3. and 4. memory and the served snapshot, at one point ----

interface Split {
  wallMs: number;
  agentCpuMs: number;
  timings: Served["timings"];
  bytes: number;
  /** JSON.stringify of the received body, in this process: an estimate of the agent's serialisation. */
  stringifyMs: number;
  /**
   * The agent's answer path, redone in this process: the snapshot's JSON bytes (snapshotJsonBytes), written to the
   * socket as they are (server/http/handlers/read-handlers.ts, once per snapshot; later requests for it reuse them).
   */
  responseMs: number;
  /** The path before 2026-12-05, for comparison: Response.json, read back out with arrayBuffer() into a Buffer. */
  webResponseMs: number;
}

interface Point extends MeasuredPoint {
  label: string;
  named: number;
  holders: number;
  netns: number;
  agent: Readings;
  floor?: Readings;
  /** Scans the agent took for the timed requests (each request should be one). */
  scans: number;
  changeWatch?: { readInFull: number; countersOnly: number };
  rss: Array<{ nodeOptions: string; memory: ProcessMemory }>;
  split?: Split;
  /** Every timed request, in order (the JSON only): the agent's wall and CPU, its scan's own total, the floor run after it. */
  samples: Array<{ wallMs: number; cpuMs: number; scanMs: number; floor?: Cost }>;
}

/** Times RUNS requests interleaved with the floor; keeps the bodies when `keepBodies` (for the split). */
async function timeServed(url: string, pid: number, keepBodies: boolean) {
  const paths = ["/proc/self/ns/net", ...lab.paths()];
  const first = parseServed((await fetchSnapshot(url)).body); // page cache, the kernel's ids; checks the answer
  if (first.netns.length < lab.size + 1) throw new Error(`the snapshot has ${first.netns.length} namespaces; the benchmark made ${lab.size}`);
  const before = await health(url);
  const runs: Array<Cost & { body?: Buffer; timings: Served["timings"] }> = [];
  const floors: Cost[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpu = processCpuMs(pid);
    const { wallMs, body } = await fetchSnapshot(url);
    await sleep(100); // what the agent does after the last byte (a GC) is the request's cost too
    const cpuMs = processCpuMs(pid) - cpu;
    runs.push({ wallMs, cpuMs, timings: parseServed(body).timings, ...(keepBodies ? { body } : {}) });
    if (floor) floors.push(floorRun(floor, paths));
  }
  const after = await health(url);
  return {
    netns: first.netns.length,
    runs,
    floors,
    agent: readings(runs),
    ...(floor ? { floor: readings(floors) } : {}),
    scans: after.agent.scans - before.agent.scans,
    changeWatch: after.agent.changeWatch.lastScan,
  };
}

/** Median of 5 timings of `work`. */
async function timeIt(work: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await work();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** The median-wall request, and estimates of what the agent did besides the scan, redone in this process on its body. */
async function splitOf(runs: Awaited<ReturnType<typeof timeServed>>["runs"]): Promise<Split | undefined> {
  const mid = [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)];
  if (mid?.body === undefined) return undefined;
  const value: unknown = JSON.parse(mid.body.toString("utf8"));
  const members = z.record(z.string(), z.unknown()).parse(value);
  return {
    wallMs: mid.wallMs,
    agentCpuMs: mid.cpuMs,
    timings: mid.timings,
    bytes: mid.body.length,
    stringifyMs: await timeIt(() => JSON.stringify(value)),
    // What the snapshot handler does with it (the socket write aside).
    responseMs: await timeIt(() => snapshotJsonBytes(members)),
    webResponseMs: await timeIt(async () => Buffer.from(await Response.json(value).arrayBuffer())),
  };
}

async function measurePoint(engines: Record<string, string>, label: string, named: number, holders: number, isLast: boolean): Promise<Point> {
  const rss: Point["rss"] = [];
  let timed: Awaited<ReturnType<typeof timeServed>> | undefined;
  for (const options of NODE_OPTION_SETS) {
    await withAgent({ ...engines, NSATLAS_SNAPSHOT_TTL_MS: "0", NODE_OPTIONS: options.value }, async (agent, pid) => {
      for (let i = 0; i < SCANS_BEFORE_RSS; i++) await fetchSnapshot(agent.url);
      rss.push({ nodeOptions: options.label, memory: processMemory(pid) });
      if (options.value === "") timed = await timeServed(agent.url, pid, isLast);
    });
  }
  if (timed === undefined) throw new Error("no timed runs");
  const split = isLast ? await splitOf(timed.runs) : undefined;
  const { floors } = timed;
  return {
    size: lab.size,
    label,
    named,
    holders,
    netns: timed.netns,
    agent: timed.agent,
    ...(timed.floor ? { floor: timed.floor } : {}),
    scans: timed.scans,
    ...(timed.changeWatch ? { changeWatch: timed.changeWatch } : {}),
    rss,
    ...(split ? { split } : {}),
    samples: timed.runs.map((r, i) => ({ wallMs: r.wallMs, cpuMs: r.cpuMs, scanMs: r.timings.totalMs, ...(floors[i] ? { floor: floors[i] } : {}) })),
  };
}

// ---- the report ----

function report(latency: LatencyRun[], cpu: CpuResult | undefined, points: Point[], margins: Marginal[]): string {
  const lines: string[] = [
    `1. change → event latency: ${CHANGES} × \`ip netns add\` + a veth from the host into it, ${CHANGE_GAP_MS} ms apart, to the \`change\` event listing its inode (target ≤ ${TARGET.latencyMs} ms; nearest-rank percentiles: p99 of 50 is the largest)`,
    ...latency.flatMap(latencyLines),
    "",
  ];
  if (cpu !== undefined) {
    const { subscribed: s, baseline: b } = cpu;
    const windows = (r: CpuRun) => r.windowsPct.map((p) => p.toFixed(2)).join(", ");
    lines.push(
      `2. agent CPU at ${cpu.where} (${cpu.netns} namespaces), % of one core, all threads; ${CPU_WINDOWS} windows of ${CPU_WINDOW_MS / 1000} s after ${CPU_WARMUP_MS / 1000} s of warm-up (target ≤ ${TARGET.cpuPct}%)`,
      `  one SSE subscriber  ${windows(s)}; median ${s.medianPct.toFixed(2)}% ${ok(s.medianPct <= TARGET.cpuPct)} (${s.scans} scans)`,
      `  no subscriber       ${windows(b)}; median ${b.medianPct.toFixed(2)}% (${b.scans} scans; the baseline: the same agent before its first subscriber)`,
      `  subscriber ÷ none   ${(s.medianPct / Math.max(b.medianPct, 0.01)).toFixed(1)}×; the subscriber adds ${(s.medianPct - b.medianPct).toFixed(2)} points`,
      "",
    );
  }
  lines.push(
    `3. resident memory of the agent process after ${SCANS_BEFORE_RSS} full snapshots (TTL 0: each a scan), MiB (target VmRSS ≤ ${TARGET.rssBytes / MIB} MiB)`,
    "| point | netns | NODE_OPTIONS | VmRSS | RssAnon | RssFile | RssShmem | VmHWM | target |",
    "|---|---|---|---|---|---|---|---|---|",
    ...points.flatMap((p) =>
      p.rss.map(
        (r) =>
          `| ${p.label} | ${p.netns} | ${r.nodeOptions} | ${mib(r.memory.rss)} | ${mib(r.memory.anon)} | ${mib(r.memory.file)} | ${mib(r.memory.shmem)} | ${mib(r.memory.peak)} | ${ok(r.memory.rss <= TARGET.rssBytes)} |`,
      ),
    ),
    "",
    `4. GET /api/v1/snapshot (full view, TTL 0: each request a scan) against the floor over the same namespaces, ${RUNS} runs each, interleaved (ms):`,
    "| point | netns | agent wall | best | agent CPU | floor wall | best | floor CPU | scans / requests | last scan: read in full / counters only |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...points.map(
      (p) =>
        `| ${p.label} | ${p.netns} | ${fmt(p.agent.wallMs)} | ${fmt(p.agent.bestWallMs)} | ${fmt(p.agent.cpuMs)} | ${fmt(p.floor?.wallMs)} | ${fmt(p.floor?.bestWallMs)} | ${fmt(p.floor?.cpuMs)} | ${p.scans} / ${RUNS} | ${p.changeWatch ? `${p.changeWatch.readInFull} / ${p.changeWatch.countersOnly}` : "-"} |`,
    ),
    "",
    "marginal cost per 1,000 namespaces (named + process-only the benchmark made):",
    ...marginalTable(margins, {
      runs: RUNS,
      subject: "agent",
      label: (size) => points.find((p) => p.size === size)?.label ?? String(size),
      target: { at: points.at(-1)?.size ?? 0, ratio: TARGET.marginalRatio },
    }),
  );
  const last = points.at(-1);
  if (last?.split !== undefined) {
    const s = last.split;
    const t = s.timings;
    const rest = s.wallMs - t.totalMs - s.responseMs;
    lines.push(
      "",
      `where one request's time goes at ${last.label} (${last.netns} namespaces; the median-wall request of ${RUNS}):`,
      `  the scan (snapshot.timings)   ${fmt(t.totalMs)} ms: discover ${fmt(t.discoverMs)}, fd scan ${fmt(t.fdScanMs)}, read ${fmt(t.readMs)}, wire ${fmt(t.wireMs)}, owners ${fmt(t.ownersMs)}`,
      `  JSON serialisation (est.)     ${fmt(s.stringifyMs)} ms: JSON.stringify of the received body in the bench process (median of 5); the body is ${mib(s.bytes)} MiB`,
      `  the answer (est.)             ${fmt(s.responseMs)} ms: the same as UTF-8 bytes, as the snapshot handler makes them once per snapshot (stringify included; through Response.json and arrayBuffer(), the path before: ${fmt(s.webResponseMs)} ms)`,
      `  the rest                      ${fmt(rest)} ms: HTTP and the transfer over loopback (both ends), GC, what the timings leave out`,
      `  total                         ${fmt(s.wallMs)} ms wall, ${fmt(s.agentCpuMs)} ms of the agent's CPU`,
    );
  }
  if (malformedEvents.length > 0)
    lines.push("", `${malformedEvents.length} change events did not parse as server/contract/events.ts says, e.g. ${malformedEvents[0]}`);
  return lines.join("\n");
}

// ---- the run ----

async function measureAll(): Promise<void> {
  const labFile = manifestPath(labConfig());
  if (!fs.existsSync(labFile)) throw new Error(`the test lab is not up (no ${labFile}): npm run lab:up`);
  const engines = { ...labEnv(readManifest(labFile)), NODE_OPTIONS: "" };
  await buildServer();
  const started = performance.now();
  const loads: Array<{ phase: string; loadAverage: number[] }> = [];
  const loadNow = (phase: string) => loads.push({ phase, loadAverage: os.loadavg() });
  loadNow("start");
  floor = buildFloor("bench-agent");

  console.log("bench-agent: change → event latency on the lab alone");
  const latency = [
    await withAgent(engines, async (agent) => {
      const where = `on the lab alone (${await countNetns(agent.url)} namespaces)`;
      const sse = await subscribe(agent.url);
      try {
        await sleep(1000); // the first subscriber's scan is the baseline the events are measured against
        return await measureLatency(sse, where);
      } finally {
        sse.close();
      }
    }),
  ];
  loadNow("latency, lab");
  console.log("bench-agent: memory and served snapshots on the lab alone");
  const points = [await measurePoint(engines, "lab", 0, 0, SIZES.length === 0)];
  loadNow("point lab");
  let cpu: CpuResult | undefined;
  for (const [k, size] of SIZES.entries()) {
    const grow = performance.now();
    if (k === 0 && HOLDERS > 0) {
      await lab.addProcessHolders(HOLDERS);
      const holderPids = lab
        .paths()
        .flatMap((p) => /^\/proc\/(\d+)\//.exec(p)?.[1] ?? [])
        .map(Number);
      ledger.add(holderPids);
    }
    await lab.growTo(size);
    const label = `${size}+${HOLDERS}`;
    console.log(`bench-agent: ${size} named + ${HOLDERS} process-only namespaces ready (${((performance.now() - grow) / 1000).toFixed(1)} s); measuring`);
    points.push(await measurePoint(engines, label, size, HOLDERS, k === SIZES.length - 1));
    loadNow(`point ${label}`);
    if (size === CPU_SIZE) {
      cpu = await measureCpu(engines, `${size} named + ${HOLDERS} process-only`);
      latency.push(cpu.latency);
      loadNow(`CPU and latency, ${label}`);
    }
  }
  const margins = marginals(points, (p) => p.agent);
  const text = report(latency, cpu, points, margins);
  const loadText = loads.map((l) => `${l.phase} ${l.loadAverage.map((x) => x.toFixed(2)).join(" ")}`).join("; ");
  console.log(
    `\n${text}\n\nbench-agent: ${os.cpus().length} CPUs, kernel ${os.release()}, ${((performance.now() - started) / 1000).toFixed(0)} s in all; load average (1/5/15 min) after each phase: ${loadText}`,
  );
  fs.mkdirSync(path.join(ROOT, "test/.results"), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, "test/.results/bench-agent.json"),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        kernel: os.release(),
        cpus: os.cpus().length,
        loads,
        targets: TARGET,
        settings: {
          sizes: SIZES,
          runs: RUNS,
          holders: HOLDERS,
          cpuSize: CPU_SIZE,
          cpuWarmupMs: CPU_WARMUP_MS,
          cpuWindows: CPU_WINDOWS,
          cpuWindowMs: CPU_WINDOW_MS,
        },
        latency: latency.map((run) => ({ ...run, added: latencyStats(run.addMs), removed: latencyStats(run.removeMs) })),
        cpu: cpu === undefined ? undefined : { where: cpu.where, netns: cpu.netns, subscribed: cpu.subscribed, baseline: cpu.baseline },
        points,
        margins,
      },
      null,
      2,
    ),
  );
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("the benchmark creates namespaces: run it as root");
  if (!SIZES.includes(CPU_SIZE)) throw new Error(`NSATLAS_BENCH_CPU_SIZE=${CPU_SIZE} is not one of NSATLAS_BENCH_SIZES (${SIZES.join(",")})`);
  const reaped = ledger.reapLeftovers();
  if (reaped > 0) console.log(`bench-agent: killed ${reaped} processes a killed earlier run left behind`);
  removeEverything(); // whatever a crashed earlier run left
  // A signal, or a crash outside the main flow (an error thrown in a callback, stdout closed under us):
  // kill what runs, remove what was made, wait for the agents to go (their data directories with them).
  let isAborting = false;
  const abort = (why: string) => {
    if (isAborting) return;
    isAborting = true;
    console.error(`bench-agent: ${why}: stopping the agent and removing the benchmark's namespaces`);
    removeEverything();
    void Promise.allSettled([...agents].map((a) => a.stop())).finally(() => {
      ledger.clear();
      process.exit(1);
    });
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => abort(signal));
  process.on("uncaughtException", (err) => {
    if (isAborting) return; // one report; what follows is the same failure's fallout
    console.error(err);
    abort("uncaught exception");
  });
  // Output closed under us (`| head`): measure on regardless, the results file still gets written.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  // The last resort, synchronous: nothing of ours outlives the process.
  process.on("exit", () => {
    if (agents.size > 0 || lab.size > 0) removeEverything();
  });
  try {
    await measureAll();
  } finally {
    await Promise.allSettled([...agents].map((a) => a.stop()));
    removeEverything();
    ledger.clear();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
