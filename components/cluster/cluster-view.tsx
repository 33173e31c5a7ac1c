"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { SEARCH_QUERY_MAX, type ClusterNode, type ClusterSearch } from "@/server/contract/cluster";
import { clusterNodesQuery, clusterSearchQuery } from "../data/queries";
import { ErrorPanel } from "../ui/error-panel";
import { Skeleton } from "../ui/skeleton";
import { parseLiveParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";
import { ClusterGraph } from "./cluster-graph";
import { ClusterSnapshotsPanel, FrozenClusterView } from "./cluster-snapshots";
import { NodeStateBadge } from "./node-state-badge";
import { NODE_STATE_VIEW, ago, stateCounts } from "./node-state";
import { useNow } from "./use-now";

/**
 * The hub's home (`/cluster`): every node the hub follows and its state, a search over all of them, and the links
 * between them. The hub has no cluster event stream yet: the page polls every 3 s. With `?at=<id>`, the frozen
 * cluster snapshot of that id instead.
 */
export function ClusterView() {
  const [search] = useUrlState();
  const at = parseLiveParams(search).at;
  return at === undefined ? <LiveCluster /> : <FrozenClusterView at={at} />;
}

function LiveCluster() {
  const nodes = useQuery(clusterNodesQuery());
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Cluster</h1>
        <p className="text-xs text-slate-500 dark:text-slate-400">Refreshed every 3 s (the hub has no cluster event stream yet).</p>
      </div>
      <ClusterSearchBox />
      <ClusterSnapshotsPanel />
      {nodes.isPending ? (
        <Skeleton className="h-40" />
      ) : nodes.isError ? (
        <ErrorPanel title="The hub's nodes could not be read" message={nodes.error.message} onRetry={() => void nodes.refetch()} />
      ) : (
        <NodeTable nodes={nodes.data.nodes} sources={nodes.data.sources.filter((s) => s.error !== undefined).map((s) => `${s.entry}: ${s.error ?? ""}`)} />
      )}
      <ClusterGraph />
    </div>
  );
}

/** Every node: state, counts, last seen, last error; its name links to its page. Pure but for the clock. */
export function NodeTable({ nodes, sources = [] }: { nodes: readonly ClusterNode[]; sources?: readonly string[] }) {
  const now = useNow();
  return (
    <section aria-labelledby="nodes-heading" className="space-y-2">
      <div className="flex flex-wrap items-baseline gap-3">
        <h2 id="nodes-heading" className="text-lg font-semibold">
          Nodes
        </h2>
        <span className="text-sm text-slate-600 dark:text-slate-400" data-testid="state-counts">
          {nodes.length === 0
            ? "none yet"
            : stateCounts(nodes)
                .map((c) => `${c.count} ${NODE_STATE_VIEW[c.state].label}`)
                .join(", ")}
        </span>
      </div>
      {sources.map((s) => (
        <p key={s} role="status" className="text-sm text-amber-800 dark:text-amber-300">
          {s}
        </p>
      ))}
      {nodes.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="no-nodes">
          The hub follows no node agent yet: its NSATLAS_AGENTS entries gave no address (a headless Service with no pods behind it?).
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className="w-full text-left text-sm" data-testid="nodes">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800 dark:text-slate-400">
              <tr>
                <th className="px-3 py-2">Node</th>
                <th className="px-3 py-2">State</th>
                <th className="px-3 py-2 text-right">Namespaces</th>
                <th className="px-3 py-2 text-right">Pods</th>
                <th className="px-3 py-2">Last seen</th>
                <th className="px-3 py-2">Agent</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => (
                <tr
                  key={`${n.name}@${n.address}`}
                  data-node={n.name}
                  data-state={n.state}
                  className="border-b border-slate-100 align-top last:border-0 dark:border-slate-800"
                >
                  <td className="px-3 py-2">
                    <Link prefetch={false} href={n.links.page} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                      {n.name}
                    </Link>
                    {!n.isNameKnown && <span className="ml-2 text-xs text-slate-500">(address: the agent never answered)</span>}
                  </td>
                  <td className="px-3 py-2">
                    <NodeStateBadge state={n.state} />
                    <div className="text-xs text-slate-500 dark:text-slate-400">since {ago(n.stateSince, now)}</div>
                    {n.error !== undefined && (
                      <div className="mt-1 max-w-md break-words font-mono text-xs text-rose-800 dark:text-rose-300" data-testid="node-error">
                        {n.error}
                      </div>
                    )}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{n.netnsCount}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{n.podCount}</td>
                  <td className="px-3 py-2 whitespace-nowrap" title={n.lastSeen ?? undefined}>
                    {ago(n.lastSeen, now)}
                  </td>
                  <td className="px-3 py-2 text-xs text-slate-600 dark:text-slate-400">
                    <div className="font-mono">{n.address}</div>
                    <div>{n.version === null ? "version unknown" : `v${n.version}`}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The search box: `?q=` in the URL (a pasted link searches again), asked after a short pause in typing. */
function ClusterSearchBox() {
  const [search, setSearch] = useUrlState();
  const q = (search.get("q") ?? "").slice(0, SEARCH_QUERY_MAX);
  const [typed, setTyped] = useState(q);
  const [shownQ, setShownQ] = useState(q);
  if (shownQ !== q) {
    // Back/forward or a followed link: the box shows what the URL asks.
    setShownQ(q);
    setTyped(q);
  }
  useEffect(() => {
    if (typed.trim() === q.trim()) return;
    const timer = setTimeout(() => setSearch({ q: typed.trim() }), 250);
    return () => clearTimeout(timer);
  }, [typed, q, setSearch]);
  const asked = q.trim();
  const results = useQuery({ ...clusterSearchQuery(asked), enabled: asked !== "" });
  return (
    <section aria-labelledby="search-heading" className="space-y-2">
      <h2 id="search-heading" className="sr-only">
        Search
      </h2>
      <input
        type="search"
        value={typed}
        maxLength={SEARCH_QUERY_MAX}
        onChange={(e) => setTyped(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") setSearch({ q: typed.trim() });
        }}
        placeholder="Search every node: pod, container, interface, address, MAC, process…"
        aria-label="Search every node"
        className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
      />
      {asked !== "" &&
        (results.isPending ? (
          <Skeleton className="h-16" />
        ) : results.isError ? (
          <ErrorPanel title="The search failed" message={results.error.message} />
        ) : (
          <SearchResults answer={results.data} />
        ))}
    </section>
  );
}

/** A search's results, each a link to its page on its node; says which nodes were not searched. Pure. */
export function SearchResults({ answer }: { answer: ClusterSearch }) {
  return (
    <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="search-results">
      {answer.partial && (
        <p role="status" className="text-amber-800 dark:text-amber-300" data-testid="search-partial">
          Partial: {answer.missing.join(", ")} {answer.missing.length === 1 ? "is" : "are"} not up, so not searched.
        </p>
      )}
      {answer.results.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">Nothing matches “{answer.query}”.</p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {answer.results.map((r) => (
            <li key={`${r.node}|${r.kind}|${r.label}|${r.match}`} className="flex flex-wrap items-baseline gap-x-3 py-1">
              <span className="w-20 shrink-0 text-xs uppercase text-slate-500 dark:text-slate-400">{r.kind}</span>
              <Link prefetch={false} href={r.href} className="font-mono text-sky-700 hover:underline dark:text-sky-400">
                {r.label}
              </Link>
              <span className="text-xs text-slate-500 dark:text-slate-400">on {r.node}</span>
            </li>
          ))}
        </ul>
      )}
      {answer.truncated && <p className="text-xs text-slate-500">More matched: only the first {answer.results.length} are shown; refine the search.</p>}
    </div>
  );
}
