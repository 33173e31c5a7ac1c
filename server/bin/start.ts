/**
 * `npm start`: builds the server bundle and the dashboard, each when it is missing or older than its sources;
 * then runs the dashboard's process (dist/dashboard.mjs) on the configured address (127.0.0.1:3000 by
 * default). Every line it prints is a JSON log line, the builds' output included. A start with nothing
 * changed builds nothing and answers /livez within about two seconds.
 */
import "./require-node.mjs";
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { ConfigError, parseConfig } from "../config";
import { dashboardBuildIsCurrent, serverBuildIsCurrent } from "./build-freshness";
import { errorFields, logger } from "../log/logger";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NEXT_BIN = path.join(ROOT, "node_modules/.bin/next");

/**
 * V8 flags for the server. An open dashboard has it build a ~1 MB snapshot every 5 s and then sit
 * idle: V8's defaults then ran a full mark-compact of the ~55 MB heap every ~15 s (it grows the heap
 * by ~10% when the program looks idle) and extra "memory reducer" collections between polls. Growing
 * the heap by 100%, no memory reducer and a 32 MB young generation (a snapshot's objects die young
 * instead of being promoted) cut the agent's CPU by ~40% at 268 namespaces, for ~50 MiB more RSS
 * (docs/benchmarks.md).
 */
const V8_FLAGS = ["--no-memory-reducer", "--heap-growing-percent=100", "--max-semi-space-size=32"];
/** Runs a build step with its output turned into log lines; resolves with its exit status. */
function buildStep(source: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const log = logger().child({ source });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on("line", (line) => {
      const text = line.replace(/\u001b\[[0-9;]*m/g, "").trim();
      if (text !== "") log.info(text);
    });
  }
  return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));
}

async function main(): Promise<void> {
  try {
    parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    logger().fatal({ err: errorFields(err) }, "invalid configuration");
    process.exit(2);
  }
  if (process.getuid?.() !== 0) {
    logger().warn("not running as root: namespaces of other users' processes and setns will be unavailable");
  }
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  // The server bundle (the dashboard's process, the reader thread): esbuild takes well under a second, but a start
  // with nothing changed need not wait for it.
  if (!serverBuildIsCurrent(ROOT)) {
    const serverBuild = await buildStep("build-server", process.execPath, [path.join(ROOT, "scripts/build-server.mjs")], env);
    if (serverBuild !== 0) process.exit(serverBuild);
  }
  if (!dashboardBuildIsCurrent(ROOT)) {
    logger().info("building the dashboard (sources changed or no build yet)");
    const build = await buildStep("next build", NEXT_BIN, ["build"], env);
    if (build !== 0) process.exit(build);
  }
  // Its own process group: a signal to npm start's group (Ctrl-C, a supervisor) reaches it once, forwarded
  // below, not once directly and once more through every launcher in between (npm, tsx, this script).
  const server = spawn(process.execPath, [...V8_FLAGS, path.join(ROOT, "dist/dashboard.mjs")], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    detached: true,
  });
  let forwardedAt = 0;
  const forward = (signal: NodeJS.Signals) => {
    // tsx forwards the group's signal to this script too: copies within a second are one signal.
    if (Date.now() - forwardedAt < 1000) return;
    forwardedAt = Date.now();
    server.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, forward);
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

void main();
