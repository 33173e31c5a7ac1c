/**
 * The dashboard's process (bundled to dist/dashboard.mjs; `npm start` runs it, and `nsatlas dashboard` runs
 * runDashboard() below): the agent core, Next.js for the pages and the API, and the front server
 * (server/dashboard/serve-dashboard.ts) before both. With NSATLAS_AGENTS it is a hub (docs/hub.md): the hub
 * (server/hub/hub.ts) instead of the agent core, so no reader thread, engine or history of the machine it runs on.
 * The one server file that loads Next. Its log is JSON lines on standard output, Next's own output included. SIGTERM/SIGINT: stop accepting, end the event streams, finish
 * requests in flight (up to 4 s), close Next, the reader thread and the store; exit 0. A second signal exits at once.
 *   node dist/dashboard.mjs [--dev]
 * In production it runs the build in .next the way Next's standalone server.js does (next.config.ts is not read:
 * the image carries no TypeScript config, only the build): from the repository after `next build`, and from the
 * image's standalone tree alike.
 */
import "./require-node.mjs";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import next from "next";
import { createAgent } from "../agent/create-agent";
import { processAgent } from "../agent/process-agent";
import { createHub } from "../hub/hub";
import { processHub } from "../hub/process-hub";
import { ConfigError, parseConfig, trustedProxySet, type Config } from "../config";
import { serveDashboard } from "../dashboard/serve-dashboard";
import { processShutdown } from "../http/front/shutdown";
import { routeConsoleToLog } from "../log/console-to-log";
import { errorFields, logger } from "../log/logger";
import { nodeInfo } from "../node-info";
import { packageRoot } from "../package-root";

const GRACE_MS = 4000;

/** The first SIGTERM or SIGINT, or the end of `npm start` (its IPC channel closes), whichever comes first. */
function firstSignal(): Promise<NodeJS.Signals | "launcher exited"> {
  return new Promise((resolve) => {
    if (process.channel !== undefined) {
      process.channel.unref();
      process.once("disconnect", () => resolve("launcher exited"));
    }
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", onSignal).off("SIGINT", onSignal);
      const hardStop = (second: NodeJS.Signals) => {
        logger().warn({ signal: second }, "second signal: exiting without waiting for requests in flight");
        process.exit(1);
      };
      process.once("SIGTERM", hardStop).once("SIGINT", hardStop);
      resolve(signal);
    };
    process.on("SIGTERM", onSignal).on("SIGINT", onSignal);
  });
}

/** Where to listen instead of NSATLAS_HOST and PORT (`nsatlas dashboard --listen`); an IPv6 host without brackets. */
export interface DashboardOptions {
  isDev: boolean;
  listen?: { host: string; port: number } | undefined;
}

/**
 * The configuration `next build` wrote into .next/required-server-files.json, as JSON, or why there is none. Next's
 * standalone server.js hands it to Next through __NEXT_PRIVATE_STANDALONE_CONFIG; with it set, Next neither looks
 * for next.config.* nor warns that `output: "standalone"` is not for `next start`.
 */
function builtNextConfig(dir: string): { json: string } | { problem: string } {
  const file = path.join(dir, ".next/required-server-files.json");
  if (!fs.existsSync(path.join(dir, ".next/BUILD_ID")) || !fs.existsSync(file)) {
    return { problem: `no dashboard build in ${path.join(dir, ".next")}: run \`npm run build\` in ${dir} (or \`npm start\`, which builds when needed)` };
  }
  const manifest: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  const config = typeof manifest === "object" && manifest !== null && "config" in manifest ? manifest.config : undefined;
  if (typeof config !== "object" || config === null) return { problem: `${file} holds no "config": rebuild with \`npm run build\`` };
  // As server.js does: distDir relative to the app's folder, wherever the build ran.
  return { json: JSON.stringify({ ...config, distDir: "./.next" }) };
}

function configFor(options: DashboardOptions): Config {
  if (options.listen === undefined) return parseConfig(process.env);
  return parseConfig({ ...process.env, NSATLAS_HOST: options.listen.host, PORT: String(options.listen.port) });
}

/** Runs the dashboard until the first signal; resolves with the exit code (0 after a clean stop). */
async function runDashboard(options: DashboardOptions): Promise<number> {
  process.title = "nsatlas-dashboard";
  routeConsoleToLog("next");
  let config;
  try {
    config = configFor(options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    logger().fatal({ err: errorFields(err) }, "invalid configuration");
    return 2;
  }
  const { isDev } = options;
  const dir = packageRoot();
  if (!isDev) {
    const built = builtNextConfig(dir);
    if ("problem" in built) {
      logger().fatal({ reason: built.problem, exitCode: 1 }, "the dashboard failed to start");
      return 1;
    }
    process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = built.json;
  }
  const stopped = firstSignal();
  // Hub mode follows the node agents instead of reading this machine.
  const core =
    config.agents === undefined
      ? { kind: "agent" as const, agent: processAgent(() => createAgent(config, { record: true })) }
      : { kind: "hub" as const, hub: processHub(() => createHub(config)) };
  const app = next({ dev: isDev, dir, hostname: config.host, port: config.port });
  await app.prepare();
  const front = { token: config.token, trustedProxies: trustedProxySet(config.trustedProxies), isDev };
  const server = await serveDashboard(core.kind === "agent" ? core.agent : core.hub, app.getRequestHandler(), front, { host: config.host, port: config.port });
  if (core.kind === "hub") logger().info({ url: server.url, mode: "hub", agents: config.agents?.length ?? 0, isDev }, "dashboard listening");
  else {
    logger().info({ url: server.url, node: nodeInfo(config.nodeName).name, isDev }, "dashboard listening");
    // The first scan starts now, so /readyz turns ready without waiting for a page view.
    core.agent.snapshot().catch((err: unknown) => logger().warn({ err: errorFields(err) }, "the first scan failed"));
  }

  const signal = await stopped;
  logger().info({ signal }, "dashboard stopping");
  processShutdown().abort();
  await server.close(GRACE_MS);
  await app.close();
  if (core.kind === "agent") core.agent.close();
  else core.hub.close();
  logger().info({ signal }, "dashboard stopped");
  return 0;
}

/** Runs the dashboard and ends the process with its exit code: 1, with a log line, when it failed to start. */
export async function dashboardProcess(options: DashboardOptions): Promise<never> {
  try {
    const code = await runDashboard(options);
    // exit(), not exitCode: whatever handle a dependency left open must not keep a stopped dashboard alive.
    process.exit(code);
  } catch (err) {
    logger().fatal({ err: errorFields(err) }, "the dashboard failed to start");
    process.exit(1);
  }
}

/** True when this module is the program (`node dist/dashboard.mjs`), not imported by `nsatlas dashboard`. */
function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined || !fs.existsSync(script)) return false;
  return pathToFileURL(fs.realpathSync(script)).href === import.meta.url;
}

if (isMain()) void dashboardProcess({ isDev: process.argv.includes("--dev") });
