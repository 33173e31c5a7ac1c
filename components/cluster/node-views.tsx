"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { AnomalyList } from "../anomalies/anomaly-list";
import { NetnsCapture } from "../capture/netns-capture";
import { PodCapture } from "../capture/pod-capture";
import { ApiError } from "../data/api-client";
import { netnsQuery } from "../data/queries";
import { snapshotQuery } from "../data/queries";
import { LiveControls } from "../live/live-controls";
import { NetnsSections } from "../netns/netns-sections";
import { FilterBar } from "../overview/filter-bar";
import { NetnsTable } from "../overview/netns-table";
import { OverviewHeader } from "../overview/overview-header";
import { filterChoices, filterRows, nodeCounts, sortRows, toRows } from "../overview/overview-model";
import { useChangedRows } from "../overview/use-changed-rows";
import { LookupView, useSnapshot } from "../pods/lookup-view";
import { ReportButton } from "../report/report-button";
import { TopologyView } from "../topology/topology-view";
import { TracePanel } from "../trace/trace-panel";
import { ErrorPanel } from "../ui/error-panel";
import { Skeleton } from "../ui/skeleton";
import { useHrefs } from "../url/at-scope";
import { parseLiveParams, parseOverviewParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";

/**
 * The node pages of the hub (`/n/<node>/…`): the single-node dashboard's own components, inside a NodeScope (their
 * queries read `/api/v1/n/<node>/…`, their links stay under `/n/<node>/`), without what only a node's own dashboard
 * has (history, diffs, expose): the embedded components read `useNodeScope().capabilities` and hide themselves.
 * `?at=<cluster snapshot id>` shows the node as it was in that frozen cluster snapshot (no polling: it never changes).
 */

/** `/n/<node>`: the overview, as on `/`. */
export function NodeOverviewView() {
  const [search, setSearch] = useUrlState();
  const queryString = search.toString();
  const params = useMemo(() => parseOverviewParams(new URLSearchParams(queryString)), [queryString]);
  const live = useMemo(() => ({ ...parseLiveParams(new URLSearchParams(queryString)), since: undefined }), [queryString]);
  const query = useQuery(snapshotQuery(live));
  const rows = useMemo(() => (query.data ? toRows(query.data) : []), [query.data]);
  const shown = useMemo(() => sortRows(filterRows(rows, params), params), [rows, params]);
  const changed = useChangedRows(query.data);
  if (query.isPending) return <Skeleton className="h-96" />;
  if (query.isError) return <ErrorPanel title="The node could not be read" message={query.error.message} onRetry={() => void query.refetch()} />;
  return (
    <div className="space-y-5" data-testid="node-overview">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <OverviewHeader snapshot={query.data} counts={nodeCounts(query.data)} />
        <div className="flex flex-col items-end gap-2">
          {live.at === undefined && <LiveControls live={live} updatedAt={query.dataUpdatedAt} isFetching={query.isFetching} onChange={setSearch} />}
          <ReportButton snapshot={query.data} diff={undefined} />
        </div>
      </div>
      <AnomalyList anomalies={query.data.anomalies} />
      <FilterBar params={params} choices={filterChoices(rows)} shown={shown.length} total={rows.length} onChange={setSearch} />
      <NetnsTable
        rows={shown}
        params={params}
        changed={changed}
        onShowAll={() => setSearch({ rows: "all" })}
        onSort={(key) => setSearch({ sort: key, dir: params.sort === key && params.dir === "asc" ? "desc" : "asc" })}
      />
    </div>
  );
}

/** `/n/<node>/netns/<id>`: a namespace in full, as on `/netns/<id>`, with its trace and capture through the hub (no diff or expose). */
export function NodeNetnsView({ id }: { id: string }) {
  const [search, setSearch] = useUrlState();
  const live = { ...parseLiveParams(search), since: undefined };
  const query = useQuery(netnsQuery(id, live));
  const snapshot = useSnapshot(live);
  const focused = useFocusedInterface(query.data !== undefined);
  const anomalies = snapshot.data?.anomalies.filter((a) => a.places.some((p) => p.netnsId === id)) ?? [];
  if (query.isPending) return <Skeleton className="h-96" />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404 && /namespace/i.test(query.error.message)) {
      return (
        <div
          role="alert"
          className="space-y-1 rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
          data-testid="not-found"
        >
          <p className="font-semibold">
            Network namespace {id} {live.at === undefined ? "is gone: it is not on this node now." : "is not in this node's frozen snapshot."}
          </p>
          <p className="text-sm">Namespace ids are inode numbers: the kernel may reuse this one for a new namespace later.</p>
        </div>
      );
    }
    return <ErrorPanel title="The namespace could not be read" message={query.error.message} onRetry={() => void query.refetch()} />;
  }
  return (
    <div className="space-y-4" data-testid="node-netns">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-xl font-semibold">
          Network namespace <span className="font-mono">{query.data.id}</span>
          {query.data.isHost && <span className="ml-2 text-base font-normal text-slate-600 dark:text-slate-400">(the host&apos;s)</span>}
        </h1>
        {live.at === undefined && <LiveControls live={live} updatedAt={query.dataUpdatedAt} isFetching={query.isFetching} onChange={setSearch} />}
      </div>
      <AnomalyList anomalies={anomalies} title="Anomalies in this namespace" />
      <TracePanel from={query.data.id} />
      <NetnsSections netns={query.data} snapshot={snapshot.data} focusedIfindex={focused} />
      <NetnsCapture netns={query.data} />
    </div>
  );
}

/** `/n/<node>/pods/<ns>/<name>`, as on `/pods/<ns>/<name>`. */
export function NodePodView({ namespace, name }: { namespace: string; name: string }) {
  const hrefs = useHrefs();
  return (
    <div className="space-y-6" data-testid="node-pod">
      <LookupView
        target={{ kind: "pod", namespace, name }}
        what={{ label: "pod", name: `${namespace}/${name}` }}
        candidates={(s) =>
          s.netns.flatMap((n) => n.owners.flatMap((o) => (o.kind === "kubernetes-pod" ? [{ name: o.name, href: hrefs.pod(o.namespace, o.podName) }] : [])))
        }
      />
      <PodCapture namespace={namespace} name={name} />
    </div>
  );
}

/** `/n/<node>/containers/<name>`, as on `/containers/<name>`. */
export function NodeContainerView({ name }: { name: string }) {
  const hrefs = useHrefs();
  return (
    <div data-testid="node-container">
      <LookupView
        target={{ kind: "container", name }}
        what={{ label: "container", name }}
        candidates={(s) =>
          s.netns.flatMap((n) =>
            n.owners.flatMap((o) =>
              o.kind === "docker-container"
                ? [{ name: o.name, href: hrefs.container(o.name) }]
                : "containers" in o
                  ? o.containers.map((c) => ({ name: c.name, href: hrefs.container(c.name) }))
                  : [],
            ),
          )
        }
      />
    </div>
  );
}

/** `/n/<node>/topology`, as on `/topology` (without its history bar). */
export function NodeTopologyView() {
  return (
    <div data-testid="node-topology">
      <TopologyView />
    </div>
  );
}

/** "#if-7": the interface row highlighted and scrolled into view once loaded (as on a node's own namespace page). */
function useFocusedInterface(isLoaded: boolean): number | undefined {
  const [focused, setFocused] = useState<number | undefined>(undefined);
  useEffect(() => {
    const read = () => {
      const m = /^#if-(\d+)$/.exec(window.location.hash);
      setFocused(m?.[1] === undefined ? undefined : Number(m[1]));
    };
    read();
    window.addEventListener("hashchange", read);
    return () => window.removeEventListener("hashchange", read);
  }, []);
  useEffect(() => {
    if (isLoaded && focused !== undefined) document.getElementById(`if-${focused}`)?.scrollIntoView({ block: "center" });
  }, [isLoaded, focused]);
  return focused;
}
