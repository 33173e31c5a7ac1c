import http from "node:http";

export interface LoadResult {
  requests: number;
  /** Answers that were not 2xx/3xx, and requests that failed outright. */
  errors: number;
  errorSamples: string[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  byPath: Record<string, { requests: number; p50Ms: number; p99Ms: number }>;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/**
 * `clients` concurrent keep-alive clients, each requesting `paths` in turn for `durationMs`, on
 * loopback. Every answer is read to its end; latencies are per request.
 */
export async function runLoad(options: {
  baseUrl: string;
  paths: string[];
  clients: number;
  durationMs: number;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const url = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
  const latencies: Record<string, number[]> = {};
  const errorSamples: string[] = [];
  let errors = 0;
  const until = performance.now() + options.durationMs;
  const one = (path: string) =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = http.get({ host: url.hostname, port: url.port, path, agent, headers: options.headers }, (res) => {
        res.resume();
        res.on("end", () => {
          (latencies[path] ??= []).push(performance.now() - started);
          if ((res.statusCode ?? 0) >= 400) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push(`${path}: HTTP ${res.statusCode}`);
          }
          resolve();
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
      req.on("error", (err) => {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`${path}: ${err.message}`);
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      for (let i = client; performance.now() < until; i++) await one(options.paths[i % options.paths.length] ?? "/");
    }),
  );
  agent.destroy();
  const all = Object.values(latencies)
    .flat()
    .sort((a, b) => a - b);
  const byPath = Object.fromEntries(
    Object.entries(latencies).map(([path, xs]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return [path, { requests: xs.length, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) }];
    }),
  );
  return { requests: all.length, errors, errorSamples, p50Ms: quantile(all, 0.5), p99Ms: quantile(all, 0.99), maxMs: all.at(-1) ?? 0, byPath };
}

/** The dashboard's process title (server/bin/dashboard.ts) as /proc/<pid>/stat shows it: cut to 15 bytes. */
const DASHBOARD_COMM = "nsatlas-dashboard".slice(0, 15);

/** CPU seconds of every thread in these process groups, by role: the dashboard's main thread, its reader worker, V8/libuv helper threads, and the launcher processes. */
export async function groupCpuByRole(pgids: number[]): Promise<Record<"main" | "reader" | "helpers" | "launcher", number>> {
  const fs = await import("node:fs");
  const out = { main: 0, reader: 0, helpers: 0, launcher: 0 };
  const ticksOf = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pgid: Number(fields[2]), seconds: (Number(fields[11]) + Number(fields[12])) / 100 };
  };
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!pgids.includes(ticksOf(stat).pgid)) continue;
      const isServer = stat.includes(`(${DASHBOARD_COMM}`);
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        const task = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const { seconds } = ticksOf(task);
        // Worker threads keep the process's name; V8's and libuv's helper threads are called "node".
        if (!isServer) out.launcher += seconds;
        else if (tid === pid) out.main += seconds;
        else if (task.includes(`(${DASHBOARD_COMM}`)) out.reader += seconds;
        else out.helpers += seconds;
      }
    } catch {
      // exited
    }
  }
  return out;
}
