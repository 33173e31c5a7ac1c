import { createAgent, type Agent } from "../../agent/create-agent";
import { serveAgent, type AgentServer } from "../../agent-server/serve";
import { isLoopback, parseConfig } from "../../config";
import { nodeInfo } from "../../node-info";
import { CliFailure } from "../cli-failure";
import { printError, printText } from "../output";
import { parseListen } from "../parse-listen";

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
  printError(`nsatlas agent: second ${signal}: exiting without waiting for requests in flight`);
  process.exit(1);
}

/** Stops accepting, ends the event streams, waits for requests in flight, then closes the agent: 0, or 1 with why. */
async function shutDown(server: AgentServer, agent: Agent): Promise<0 | 1> {
  try {
    await server.close();
    return 0;
  } catch (err) {
    printError(`nsatlas agent: stopping the server failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    agent.close();
  }
}

/**
 * `nsatlas agent [--listen HOST:PORT]`: the node agent. Serves the read API, the event stream and the
 * probes over plain node:http and records the history, until SIGTERM or SIGINT; then it shuts down
 * and exits 0 (a second signal exits at once).
 * Its log (this start line, the audit lines) goes to stdout; errors go to stderr.
 */
export async function agentCommand(options: { listen: string }): Promise<never> {
  const parsed = parseListen(options.listen);
  if (!parsed.ok) throw new CliFailure(`nsatlas agent: ${parsed.message}`, 2);
  const { host, port } = parsed.listen;
  const config = parseConfig(process.env);
  if (!isLoopback(host) && config.token === undefined) {
    throw new CliFailure(
      `nsatlas agent: --listen ${options.listen} would open a root-privileged agent to the network: set NSATLAS_TOKEN (16+ characters), or listen on 127.0.0.1`,
      2,
    );
  }
  const stopped = firstSignal();
  const agent = createAgent(config, { record: true });
  const server = await serveAgent(agent, { host, port }).catch((err: unknown) => {
    agent.close();
    throw new CliFailure(`nsatlas agent: cannot listen on ${options.listen}: ${err instanceof Error ? err.message : String(err)}`, 1);
  });
  printText(`nsatlas agent: serving node ${nodeInfo(config.nodeName).name} on ${server.url}\n`);
  const signal = await stopped;
  printText(`nsatlas agent: ${signal}: stopping\n`);
  // exit(), not exitCode: whatever handle a dependency left open must not keep a stopped agent alive.
  process.exit(await shutDown(server, agent));
}
