/**
 * The dashboard's process (bundled to dist/dashboard.mjs; `npm start` runs it): the agent core, Next.js
 * for the pages and the API, and the front server (server/dashboard/serve-dashboard.ts) before both.
 * The one server file that loads Next. Its log is JSON lines on standard output, Next's own output
 * included. SIGTERM/SIGINT: stop accepting, end the event streams, finish requests in flight (up to
 * 4 s), close Next, the reader thread and the store; exit 0. A second signal exits at once.
 *   node dist/dashboard.mjs [--dev]
 */
import "./require-node.mjs";
import next from "next";
import { createAgent } from "../agent/create-agent";
import { processAgent } from "../agent/process-agent";
import { ConfigError, parseConfig, trustedProxySet } from "../config";
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

async function main(): Promise<number> {
  process.title = "nsatlas-dashboard";
  routeConsoleToLog("next");
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    logger().fatal({ err: errorFields(err) }, "invalid configuration");
    return 2;
  }
  const isDev = process.argv.includes("--dev");
  const stopped = firstSignal();
  const agent = processAgent(() => createAgent(config, { record: true }));
  const app = next({ dev: isDev, dir: packageRoot(), hostname: config.host, port: config.port });
  await app.prepare();
  const front = { token: config.token, trustedProxies: trustedProxySet(config.trustedProxies), isDev };
  const server = await serveDashboard(agent, app.getRequestHandler(), front, { host: config.host, port: config.port });
  logger().info({ url: server.url, node: nodeInfo(config.nodeName).name, isDev }, "dashboard listening");
  // The first scan starts now, so /readyz turns ready without waiting for a page view.
  agent.snapshot().catch((err: unknown) => logger().warn({ err: errorFields(err) }, "the first scan failed"));

  const signal = await stopped;
  logger().info({ signal }, "dashboard stopping");
  processShutdown().abort();
  await server.close(GRACE_MS);
  await app.close();
  agent.close();
  logger().info({ signal }, "dashboard stopped");
  return 0;
}

main().then(
  // exit(), not exitCode: whatever handle a dependency left open must not keep a stopped dashboard alive.
  (code) => process.exit(code),
  (err: unknown) => {
    logger().fatal({ err: errorFields(err) }, "the dashboard failed to start");
    process.exit(1);
  },
);
