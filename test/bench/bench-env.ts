/** The benchmarks' settings from the environment, checked (a typo fails at once, not after minutes of measuring). */
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
