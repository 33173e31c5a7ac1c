"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { AnomalyList } from "../anomalies/anomaly-list";
import { PodCapture } from "../capture/pod-capture";
import { snapshotQuery } from "../data/queries";
import { LiveControls } from "../live/live-controls";
import { FilterBar } from "../overview/filter-bar";
import { NetnsTable } from "../overview/netns-table";
import { OverviewHeader } from "../overview/overview-header";
import { filterChoices, filterRows, nodeCounts, sortRows, toRows } from "../overview/overview-model";
import { useChangedRows } from "../overview/use-changed-rows";
import { ContainerDetailView } from "../pods/container-detail-view";
import { LookupView } from "../pods/lookup-view";
import { NetnsDetailView } from "../netns/netns-detail-view";
import { ReportButton } from "../report/report-button";
import { TopologyView } from "../topology/topology-view";
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

/** `/n/<node>/netns/<id>`: the namespace page itself; its diff and expose parts hide themselves here (the node's capabilities). */
export function NodeNetnsView({ id }: { id: string }) {
  return (
    <div data-testid="node-netns">
      <NetnsDetailView id={id} />
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
  return (
    <div data-testid="node-container">
      <ContainerDetailView name={name} />
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
