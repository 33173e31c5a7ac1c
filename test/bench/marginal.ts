/**
 * Marginal cost: what one more 1,000 namespaces costs, from one measured point to the next (base → 250 →
 * 1,000), so that fixed costs (starting a process, loading modules, the engines' answers) cancel out.
 * Each side (nsatlas, and the kernel floor over the same namespaces) has three readings per point: wall
 * time (median), wall time (best of the runs: other load on the node only ever adds time), and CPU time
 * (user + sys of every thread, median).
 */
import { median } from "./measure";

export interface Cost {
  wallMs: number;
  cpuMs: number;
}

export interface Readings {
  wallMs: number;
  bestWallMs: number;
  cpuMs: number;
}

export const readings = (costs: Cost[]): Readings => ({
  wallMs: median(costs.map((c) => c.wallMs)),
  bestWallMs: Math.min(...costs.map((c) => c.wallMs)),
  cpuMs: median(costs.map((c) => c.cpuMs)),
});

export type Metric = keyof Readings;
const METRICS: readonly Metric[] = ["wallMs", "bestWallMs", "cpuMs"];

export function metricLabel(metric: Metric, runs: number): string {
  return { wallMs: "wall, median", bestWallMs: `wall, best of ${runs}`, cpuMs: "CPU (user+sys), median" }[metric];
}

/** One measured point: `size` namespaces made by the benchmark (0: the node as it is). */
export interface MeasuredPoint {
  size: number;
  floor?: Readings;
}

export interface Marginal {
  from: number;
  to: number;
  metric: Metric;
  /** nsatlas's cost per 1,000 namespaces over this step, ms. */
  per1000: number;
  floorPer1000?: number;
  ratio?: number;
  /** The same ratio from the base to `to`. */
  ratioFromBase?: number;
}

/** Cost per 1,000 namespaces from `a` to `b`. */
function slope<P extends MeasuredPoint>(a: P, b: P, value: (p: P) => number | undefined): number | undefined {
  const [va, vb] = [value(a), value(b)];
  return va === undefined || vb === undefined ? undefined : ((vb - va) / (b.size - a.size)) * 1000;
}

/** Every step's marginal cost in every reading; `subject` picks nsatlas's readings out of a point. */
export function marginals<P extends MeasuredPoint>(points: P[], subject: (p: P) => Readings): Marginal[] {
  const base = points[0];
  if (base === undefined) return [];
  return points.slice(1).flatMap((p, k) => {
    const previous = points[k] ?? base;
    return METRICS.map((metric) => {
      const own = slope(previous, p, (q) => subject(q)[metric]) ?? 0;
      const floor = slope(previous, p, (q) => q.floor?.[metric]);
      const ownFromBase = slope(base, p, (q) => subject(q)[metric]) ?? 0;
      const floorFromBase = slope(base, p, (q) => q.floor?.[metric]);
      return {
        from: previous.size,
        to: p.size,
        metric,
        per1000: own,
        ...(floor ? { floorPer1000: floor, ratio: own / floor } : {}),
        ...(floorFromBase ? { ratioFromBase: ownFromBase / floorFromBase } : {}),
      };
    });
  });
}

/** A number for a table: "-" when unknown. */
export const fmt = (n: number | undefined, digits = 1): string => (n === undefined ? "-" : n.toFixed(digits));

/**
 * The marginal table (Markdown). With `target`, each step into `target.at` also says whether its ratio
 * is within `target.ratio`.
 */
export function marginalTable(
  margins: Marginal[],
  options: { runs: number; subject: string; label: (size: number) => string; target?: { at: number; ratio: number } },
): string[] {
  const { target } = options;
  const verdict = (m: Marginal) =>
    target === undefined ? "" : m.to !== target.at || m.ratio === undefined ? " |" : ` ${m.ratio <= target.ratio ? "ok" : "OVER"} |`;
  return [
    `| step | reading | ${options.subject} ms | floor ms | marginal ratio | ratio from base |${target ? ` ≤ ${target.ratio}× |` : ""}`,
    `|---|---|---|---|---|---|${target ? "---|" : ""}`,
    ...margins.map(
      (m) =>
        `| ${options.label(m.from)} → ${options.label(m.to)} | ${metricLabel(m.metric, options.runs)} | ${fmt(m.per1000)} | ${fmt(m.floorPer1000)} | ${fmt(m.ratio, 2)} | ${fmt(m.ratioFromBase, 2)} |${verdict(m)}`,
    ),
  ];
}
