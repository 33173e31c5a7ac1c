/**
 * The simulated cluster: `tsx test/cluster/cli.ts up|down|status|leftovers [--nodes N] [--pods M] [--no-agents] [--prefix P]`.
 *   up         bring it up (idempotent: a cluster of the same prefix is removed first), agents on
 *   down       remove everything it made, even after a failed up
 *   status     the manifest in short, and whether each agent answers from the hub
 *   leftovers  what a down left behind (nothing, normally); exits 1 if anything
 * The prefix is NSATLAS_CLUSTER_PREFIX or --prefix, default "nsc".
 */
import { parseArgs } from "node:util";
import { clusterDown, clusterUp, openCluster } from "./cluster";
import { clusterConfig, DEFAULT_PREFIX, manifestFile } from "./cluster-config";
import { clusterLeftovers } from "./leftovers";
import fs from "node:fs";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      nodes: { type: "string", default: "3" },
      pods: { type: "string", default: "3" },
      prefix: { type: "string", default: process.env.NSATLAS_CLUSTER_PREFIX ?? DEFAULT_PREFIX },
      "no-agents": { type: "boolean", default: false },
      token: { type: "string" },
    },
  });
  if (process.getuid?.() !== 0) throw new Error("the cluster lab creates namespaces: run it as root");
  const prefix = values.prefix;
  switch (positionals[0]) {
    case "up": {
      const cluster = await clusterUp({
        prefix,
        nodes: Number(values.nodes),
        podsPerNode: Number(values.pods),
        agents: !values["no-agents"],
        token: values.token ?? process.env.NSATLAS_TOKEN,
        verbose: true,
      });
      const m = cluster.manifest;
      const rss = cluster.agentsRss();
      console.log(
        `cluster ${prefix}: up in ${m.upMs} ms, ${m.nodes.length} nodes, ${m.nodes.reduce((a, n) => a + n.pods.length, 0)} pods, agents' RSS ${Math.round(rss.totalKiB / 1024)} MiB`,
      );
      console.log(
        `manifest ${manifestFile(cluster.config)}; reach the agents from the hub: ip netns exec ${m.hub.netns} curl -H 'authorization: Bearer ${m.token}' http://${m.nodes[0]?.eth0.cidr?.split("/")[0] ?? ""}:${m.agentPort}/api/v1/snapshot`,
      );
      return 0;
    }
    case "down":
      await clusterDown(prefix);
      console.log(`cluster ${prefix}: down`);
      return 0;
    case "status": {
      if (!fs.existsSync(manifestFile(clusterConfig(prefix)))) {
        console.log(`cluster ${prefix}: not up`);
        return 0;
      }
      const cluster = openCluster(prefix);
      const m = cluster.manifest;
      console.log(`cluster ${prefix}: ${m.nodes.length} nodes, hub netns ${m.hub.netns}, service ${m.serviceName}, vxlan ${m.vxlan.vni}`);
      for (const node of m.nodes) {
        const ready =
          node.agent?.state === "running"
            ? (await cluster.hub.get(`${cluster.agentUrl(node.name)}/readyz`, { auth: false, timeoutMs: 2000 }).catch(() => undefined))?.status
            : undefined;
        console.log(
          `${node.name.padEnd(8)} pid ${String(node.pid).padEnd(8)} netns ${node.netnsId.padEnd(12)} ${node.eth0.cidr ?? ""}  agent ${node.agent?.state ?? "none"} ${ready === undefined ? "" : `(readyz ${ready})`}`,
        );
        for (const pod of node.pods)
          console.log(`    ${pod.name.padEnd(14)} ${pod.kind.padEnd(9)} netns ${pod.netnsId.padEnd(12)} ${pod.eth0.cidr ?? ""} ${pod.eth0.mac}`);
      }
      return 0;
    }
    case "leftovers": {
      const left = clusterLeftovers(prefix);
      for (const l of left) console.log(l);
      return left.length === 0 ? 0 : 1;
    }
    default:
      throw new Error(
        `usage: tsx test/cluster/cli.ts up|down|status|leftovers [--nodes N] [--pods M] [--no-agents] [--prefix P] (got ${positionals[0] ?? "nothing"})`,
      );
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`cluster: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
