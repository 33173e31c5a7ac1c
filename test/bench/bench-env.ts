/** The benchmarks' settings from the environment, checked (a typo fails at once, not after minutes of measuring). */
import { spawnSync } from "node:child_process";
import { z } from "zod";

const positiveInts = z
  .string()
  .transform((s) => s.split(",").map(Number))
  .pipe(z.array(z.number().int().positive()).min(1));

function parsed<T>(name: string, schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${name}=${String(value)}: ${r.error.issues.map((i) => i.message).join("; ")}`);
  return r.data;
}

/** NSATLAS_BENCH_SIZES: how many named namespaces to measure at, ascending, each once. */
export function benchSizes(fallback: string): number[] {
  return [...new Set(parsed("NSATLAS_BENCH_SIZES", positiveInts, process.env.NSATLAS_BENCH_SIZES ?? fallback))].sort((a, b) => a - b);
}

/** An integer setting, at least `min`. */
export function envInt(name: string, fallback: number, min = 1): number {
  return parsed(name, z.coerce.number().int().min(min), process.env[name] ?? fallback);
}

/**
 * NSATLAS_BENCH_NODE: the `node` a benchmark runs the command under (default: the one running the benchmark), with
 * its version. Fails at once on a path that is not a runnable Node of a version nsatlas supports.
 */
export function benchNode(): { path: string; version: string } {
  const chosen = process.env.NSATLAS_BENCH_NODE;
  if (chosen === undefined) return { path: process.execPath, version: process.version };
  const r = spawnSync(chosen, ["-p", "process.version"], { encoding: "utf8" });
  const version = r.status === 0 ? r.stdout.trim() : undefined;
  if (version === undefined || !/^v\d+\.\d+\.\d+/.test(version))
    throw new Error(`NSATLAS_BENCH_NODE=${chosen}: not a runnable node (${r.error?.message ?? r.stderr.trim()})`);
  const [major = 0, minor = 0] = version.slice(1).split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 16)) throw new Error(`NSATLAS_BENCH_NODE=${chosen}: Node ${version}; nsatlas needs 20.16 or newer`);
  return { path: chosen, version };
}
