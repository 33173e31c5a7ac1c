/**
 * Helpers of `npm run bench:hub` (bench-hub.ts): percentiles and spreads, a process tree's resident memory and CPU
 * time from /proc, the agents' request counters from their /metrics, and a seeded random source (the same query mix
 * and the same nodes for every run).
 */
import fs from "node:fs";
import { childrenOf } from "../cluster/proc";
import { processCpuMs, processMemory } from "./proc-usage";

export interface Spread {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentile (p in 0..100) of the samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1] ?? Number.NaN;
}

export function spread(xs: readonly number[]): Spread {
  return { n: xs.length, min: percentile(xs, 0), p50: percentile(xs, 50), p95: percentile(xs, 95), max: percentile(xs, 100) };
}

export const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : "–");

export const spreadText = (s: Spread, unit = "ms", digits = 1): string =>
  `p50 ${fmt(s.p50, digits)} ${unit}, p95 ${fmt(s.p95, digits)}, max ${fmt(s.max, digits)} (min ${fmt(s.min, digits)}, n=${s.n})`;

/** A process and all its descendants (the dashboard may start helpers): PIDs, the root first. */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) for (const child of childrenOf(all[i] ?? 0)) all.push(child);
  return all.filter((p) => fs.existsSync(`/proc/${p}`));
}

/** Resident memory of a process tree, bytes (each process's VmRSS summed). */
export function treeRss(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      total += processMemory(p).rss;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** CPU time (user + sys, every thread) of a process tree, ms. */
export function treeCpuMs(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      total += processCpuMs(p);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/**
 * The sum of `nsatlas_http_requests_total` in a Prometheus text answer, without the /metrics route itself (reading the
 * counters must not count as an agent round trip).
 */
export function requestsServed(metrics: string): { total: number; byRoute: Map<string, number> } {
  const byRoute = new Map<string, number>();
  let total = 0;
  for (const line of metrics.split("\n")) {
    const m = /^nsatlas_http_requests_total\{([^}]*)\} (\S+)$/.exec(line);
    if (m === null) continue;
    const route = /route="([^"]*)"/.exec(m[1] ?? "")?.[1] ?? "?";
    if (route === "/metrics") continue;
    const value = Number(m[2]);
    byRoute.set(route, (byRoute.get(route) ?? 0) + value);
    total += value;
  }
  return { total, byRoute };
}

/** A small seeded PRNG (mulberry32): the same "random" nodes and queries in every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(xs: readonly T[], random: () => number): T {
  const x = xs[Math.floor(random() * xs.length)];
  if (x === undefined) throw new Error("pick from an empty list");
  return x;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The machine's load when a figure was taken (1-minute average) and its cores. */
export function machineLoad(): { load1: number; cores: number } {
  const load1 = Number(fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  return {
    load1,
    cores: fs
      .readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .filter((l) => l.startsWith("processor")).length,
  };
}
