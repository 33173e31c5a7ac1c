/**
 * `npm start`: builds the dashboard when the build is missing or older than the sources, then serves
 * it with `next start` on the configured address (127.0.0.1:3000 by default).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, parseConfig } from "../config";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NEXT_BIN = path.join(ROOT, "node_modules/.bin/next");
const NEXT_SCRIPT = path.join(ROOT, "node_modules/next/dist/bin/next");

/**
 * V8 flags for the server. An open dashboard has it build a ~1 MB snapshot every 5 s and then sit
 * idle: V8's defaults then ran a full mark-compact of the ~55 MB heap every ~15 s (it grows the heap
 * by ~10% when the program looks idle) and extra "memory reducer" collections between polls. Growing
 * the heap by 100%, no memory reducer and a 32 MB young generation (a snapshot's objects die young
 * instead of being promoted) cut the agent's CPU by ~40% at 268 namespaces, for ~50 MiB more RSS
 * (README, Performance).
 */
const V8_FLAGS = ["--no-memory-reducer", "--heap-growing-percent=100", "--max-semi-space-size=32"];
const SOURCES = [
  "app",
  "components",
  "server",
  "public",
  "package.json",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "instrumentation.ts",
  "proxy.ts",
];

function newestMtimeMs(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtimeMs(path.join(entry, child)));
  return newest;
}

function buildIsCurrent(): boolean {
  const buildId = fs.statSync(path.join(ROOT, ".next/BUILD_ID"), { throwIfNoEntry: false });
  if (buildId === undefined) return false;
  return SOURCES.every((s) => newestMtimeMs(path.join(ROOT, s)) <= buildId.mtimeMs);
}

function main(): void {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`nsatlas: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  if (process.getuid?.() !== 0) {
    console.warn("nsatlas: not running as root: namespaces of other users' processes and setns will be unavailable");
  }
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  // The reader worker runs bundled (dist/); esbuild takes well under a second, so it always runs.
  const serverBuild = spawnSync(process.execPath, [path.join(ROOT, "scripts/build-server.mjs")], { cwd: ROOT, env, stdio: "inherit" });
  if (serverBuild.status !== 0) process.exit(serverBuild.status ?? 1);
  if (!buildIsCurrent()) {
    console.log("nsatlas: building the dashboard (sources changed or no build yet)...");
    const build = spawnSync(NEXT_BIN, ["build"], { cwd: ROOT, env, stdio: "inherit" });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  console.log(`nsatlas: serving on http://${config.host}:${config.port}`);
  const server = spawn(process.execPath, [...V8_FLAGS, NEXT_SCRIPT, "start", "--hostname", config.host, "--port", String(config.port)], {
    cwd: ROOT,
    env,
    stdio: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
