import { createAgent, type Agent } from "../../agent/create-agent";
import { serveAgent, type AgentServer } from "../../agent-server/serve";
import { ConfigError, isLoopback, parseConfig } from "../../config";
import { errorFields, logger } from "../../log/logger";
import { nodeInfo } from "../../node-info";
import { CliFailure, toCliFailure } from "../cli-failure";
import { parseListen, type Listen } from "../parse-listen";
import { cliVersion } from "../version";

/** Resolves with the first SIGTERM or SIGINT; from then on a second one exits at once. */
function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", onSignal).off("SIGINT", onSignal);
      process.once("SIGTERM", hardStop).once("SIGINT", hardStop);
      resolve(signal);
    };
    process.on("SIGTERM", onSignal).on("SIGINT", onSignal);
  });
}

function hardStop(signal: NodeJS.Signals): never {
  logger().warn({ signal, reason: "second signal", exitCode: 1 }, "agent stopped");
  process.exit(1);
}

/** Stops accepting, ends the event streams, waits for requests in flight, then closes the agent: 0, or 1 with why. */
async function shutDown(server: AgentServer, agent: Agent): Promise<0 | 1> {
  try {
    await server.close();
    return 0;
  } catch (err) {
    logger().error({ err: errorFields(err) }, "stopping the agent server failed");
    return 1;
  } finally {
    agent.close();
  }
}

interface Started {
  server: AgentServer;
  agent: Agent;
  /** The first SIGTERM or SIGINT. */
  stopping: Promise<NodeJS.Signals>;
}

/** Checks the address against the token, makes the agent core and listens; says so in the "agent listening" line. */
async function start(listen: Listen, flag: string): Promise<Started> {
  const config = parseConfig(process.env);
  if (!isLoopback(listen.host) && config.token === undefined) {
    throw new CliFailure(
      `nsatlas agent: --listen ${flag} would open a root-privileged agent to the network: set NSATLAS_TOKEN (16+ characters), or listen on 127.0.0.1`,
      2,
    );
  }
  const stopping = firstSignal();
  const agent = createAgent(config, { record: true });
  const server = await serveAgent(agent, { host: listen.host, port: listen.port }).catch((err: unknown) => {
    agent.close();
    throw new CliFailure(`nsatlas agent: cannot listen on ${flag}: ${err instanceof Error ? err.message : String(err)}`, 1, { cause: err });
  });
  logger().info({ url: server.url, node: nodeInfo(config.nodeName).name, version: await cliVersion() }, "agent listening");
  return { server, agent, stopping };
}

/**
 * `nsatlas agent [--listen HOST:PORT]`: the node agent. Serves the read API, the event stream and the
 * probes over plain node:http and records the history, until SIGTERM or SIGINT; then it shuts down
 * and exits 0 (a second signal exits at once, 1).
 * Its log is JSON lines on stdout: "agent listening", the audit lines, "agent stopped", and a failure to
 * start ("agent failed to start", with the exit code --help lists). A malformed --listen is a usage error
 * like any command's: one plain line on stderr.
 */
export async function agentCommand(options: { listen: string }): Promise<number> {
  const parsed = parseListen(options.listen);
  if (!parsed.ok) throw new CliFailure(`nsatlas agent: ${parsed.message}`, 2);
  let started: Started;
  try {
    started = await start(parsed.listen, options.listen);
  } catch (err) {
    const failure = toCliFailure("agent", err);
    // A refusal of ours says it all in `reason`; a failure underneath (the listen's, a bug) brings its error.
    const cause = err instanceof CliFailure ? err.cause : err instanceof ConfigError ? undefined : err;
    logger().error(
      { reason: failure.message, exitCode: failure.exitCode, ...(cause === undefined ? {} : { err: errorFields(cause) }) },
      "agent failed to start",
    );
    return failure.exitCode;
  }
  const signal = await started.stopping;
  logger().info({ signal }, "agent stopping");
  const exitCode = await shutDown(started.server, started.agent);
  logger().info({ signal, reason: "signal", exitCode }, "agent stopped");
  // exit(), not exitCode: whatever handle a dependency left open must not keep a stopped agent alive.
  process.exit(exitCode);
}
