"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { clusterNodesQuery } from "../data/queries";
import { frozenClusterHref, nodeHrefs } from "../url/routes";
import { FrozenNodeBanner } from "./frozen-node-banner";
import { NodeStateBadge } from "./node-state-badge";
import { NODE_STATE_VIEW, ago, findNode } from "./node-state";
import { useNodeScope } from "./node-scope";
import { useNow } from "./use-now";

/**
 * Above every `/n/<node>/…` page: where it is (cluster › node), the node's state as the hub sees it, and, when the
 * node is not up, why and when it was last heard from; the page below then says it could not be read. At a frozen
 * cluster snapshot (`?at=`), its banner, and every link stays in it.
 */
export function NodeFrame({ children }: { children: ReactNode }) {
  const scope = useNodeScope();
  const nodes = useQuery(clusterNodesQuery());
  const now = useNow();
  if (scope === undefined) return <>{children}</>;
  const hrefs = nodeHrefs(scope.node, scope.at);
  const node = nodes.data ? findNode(nodes.data.nodes, scope.node) : undefined;
  return (
    <div className="space-y-4">
      <nav aria-label="Node" className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm" data-testid="node-frame">
        <Link
          prefetch={false}
          href={scope.at === undefined ? "/cluster" : frozenClusterHref(scope.at)}
          className="text-sky-700 hover:underline dark:text-sky-400"
        >
          Cluster
        </Link>
        <span aria-hidden="true">›</span>
        <Link prefetch={false} href={hrefs.overview()} className="font-semibold hover:underline" data-testid="node-name">
          {scope.node}
        </Link>
        {node && <NodeStateBadge state={node.state} />}
        <Link prefetch={false} href={hrefs.overview()} className="text-slate-600 hover:underline dark:text-slate-300">
          Namespaces
        </Link>
        <Link prefetch={false} href={hrefs.topology()} className="text-slate-600 hover:underline dark:text-slate-300">
          Topology
        </Link>
        <span className="ml-auto text-xs text-slate-500 dark:text-slate-400">
          {scope.at === undefined
            ? "Read through the hub: polled; history, diffs and exposing are on the node's own dashboard."
            : "Read from the hub's store: the node as it was when the cluster was frozen."}
        </span>
      </nav>
      {scope.at !== undefined && <FrozenNodeBanner node={scope.node} at={scope.at} />}
      {nodes.isError && (
        <p role="status" className="text-sm text-amber-800 dark:text-amber-300">
          The hub&apos;s node list could not be read: {nodes.error.message}
        </p>
      )}
      {nodes.data && node === undefined && (
        <div
          role="alert"
          className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
          data-testid="node-unknown"
        >
          <p className="font-semibold">This hub follows no node named “{scope.node}”.</p>
          <p className="text-sm">
            Its agent may have gone away long ago, or the name is mistyped:{" "}
            <Link href="/cluster" className="underline">
              the cluster page
            </Link>{" "}
            lists every node.
          </p>
        </div>
      )}
      {node && node.state !== "up" && (
        <div
          role="alert"
          className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
          data-testid="node-down"
        >
          <p className="font-semibold">
            Node {node.name} is {NODE_STATE_VIEW[node.state].label}: {NODE_STATE_VIEW[node.state].meaning}.
          </p>
          <p className="text-sm">
            Since {ago(node.stateSince, now)}; last seen {ago(node.lastSeen, now)}
            {node.lastSeen !== null && ` (${node.lastSeen})`}.
          </p>
          {node.error !== undefined && <p className="font-mono text-sm break-words">{node.error}</p>}
        </div>
      )}
      {children}
    </div>
  );
}
