import fs from "node:fs";
import path from "node:path";
import { sleep } from "../lab/sh";
import { AGENT_DATA_DIR, AGENT_PORT, nodeIp, type ClusterConfig } from "./cluster-config";
import { forgetClusterProcess, isStillOurs, killOurs, recordClusterProcess } from "./cluster-state";
import { inNode } from "./exec";
import type { HubClient } from "./hub-client";
import type { ClusterAgent, ClusterNode } from "./manifest";
import { childrenOf, cmdlineOf, isAlive, logTail, nsPids, poll } from "./proc";

const REPO = path.resolve(import.meta.dirname, "../..");
/** The package's bin: its shebang gives node the agent's V8 flags. */
const NSATLAS_BIN = path.join(REPO, "server/bin/nsatlas.mjs");

function agentRole(node: ClusterNode): string {
  return `agent-${node.name}`;
}

/** The agent's log, in the node's own /run (seen from the host through the node's root); it goes with the node. */
export const AGENT_LOG_IN_NODE = "/run/nsatlas-agent.log";

export function agentLog(node: ClusterNode): string {
  return `/proc/${node.pid}/root${AGENT_LOG_IN_NODE}`;
}

/**
 * Starts `nsatlas agent --listen <eth0 ip>:7471` inside the node (through nsenter into its pid, mount, net
 * and uts namespaces, so it sees that node's /proc, /run and netns only), as a DaemonSet pod would run it:
 * NSATLAS_NODE_NAME from the downward API, the token, history on the node's tmpfs, nothing else from our
 * environment but `agentEnv`. It is orphaned to the node's pid 1 (which reaps it), so no host process waits on it.
 * Resolves once the process is the agent (not yet ready: see waitReady); the PID recorded is the
 * agent's as the host sees it.
 */
export async function startAgent(config: ClusterConfig, node: ClusterNode, token: string, agentEnv: Record<string, string> = {}): Promise<ClusterAgent> {
  const ip = nodeIp(node.index);
  const listen = `${ip}:${AGENT_PORT}`;
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "production",
    PATH: `${path.dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: "/root",
    NSATLAS_NODE_NAME: node.name,
    NSATLAS_TOKEN: token,
    NSATLAS_DATA_DIR: AGENT_DATA_DIR,
    // What a test adds (NSATLAS_CAPTURE=1, …): the options of the DaemonSet's pod spec.
    ...agentEnv,
  };
  const out = await inNode(node.pid, `${NSATLAS_BIN} agent --listen ${listen} </dev/null >>${AGENT_LOG_IN_NODE} 2>&1 & echo "agent $!"`, { env });
  const nodePid = Number(/^agent (\d+)$/m.exec(out)?.[1]);
  if (!Number.isInteger(nodePid)) throw new Error(`the agent of ${node.name} did not start: ${out}`);
  const pid = await poll(`the agent of ${node.name} to start`, 10_000, () => {
    const child = childrenOf(node.pid).find((c) => nsPids(c).at(-1) === nodePid);
    if (child === undefined && !fs.existsSync(`/proc/${node.pid}/root/proc/${nodePid}`))
      throw new Error(`the agent of ${node.name} exited at once: ${logTail(agentLog(node))}`);
    // The shebang's `env -S node …` execs node in place: wait until it has.
    return child !== undefined && /^\S*node\b.*nsatlas\.mjs agent/.test(cmdlineOf(child) ?? "") ? child : undefined;
  });
  const command = cmdlineOf(pid) ?? "";
  recordClusterProcess(config, { role: agentRole(node), pid, command });
  return { url: `http://${listen}`, listen, dataDir: AGENT_DATA_DIR, pid, command, state: "running", startedAt: new Date().toISOString() };
}

/** Waits until every agent answers 200 on /readyz from the hub netns; returns how long each took from its start. */
export async function waitReady(
  config: ClusterConfig,
  hub: HubClient,
  agents: Array<{ node: ClusterNode; agent: ClusterAgent }>,
  timeoutMs = 120_000,
): Promise<Map<string, number>> {
  const readyMs = new Map<string, number>();
  const until = Date.now() + timeoutMs;
  await Promise.all(
    agents.map(async ({ node, agent }) => {
      for (;;) {
        const res = await hub.get(`${agent.url}/readyz`, { auth: false, timeoutMs: 2000 }).catch(() => undefined);
        if (res?.status === 200) {
          readyMs.set(node.name, Date.now() - Date.parse(agent.startedAt));
          return;
        }
        if (agent.pid !== null && !isAlive(agent.pid)) throw new Error(`the agent of ${node.name} exited: ${logTail(agentLog(node))}`);
        if (Date.now() > until) {
          throw new Error(
            `the agent of ${node.name} was not ready from the hub within ${timeoutMs} ms (last: ${res?.status ?? "no answer"} ${res?.body.slice(0, 300) ?? ""})`,
          );
        }
        await sleep(200);
      }
    }),
  );
  return readyMs;
}

/** Stops a node's agent by its recorded PID (SIGKILL unless told otherwise), and waits until it is gone. */
export async function stopAgent(config: ClusterConfig, node: ClusterNode, signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<void> {
  const pid = node.agent?.pid;
  if (node.agent === null || pid === null || pid === undefined) return;
  const proc = { role: agentRole(node), pid, command: node.agent.command };
  if (signal === "SIGKILL") {
    await killOurs(proc);
  } else if (isStillOurs(proc)) {
    process.kill(pid, "SIGTERM");
    await poll(`the agent of ${node.name} to stop`, 15_000, () => (isStillOurs(proc) ? undefined : true), 50);
  }
  forgetClusterProcess(config, proc.role);
}
