"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { diffQuery, snapshotQuery } from "../data/queries";
import { AnomalyList } from "../anomalies/anomaly-list";
import { useNodeScope } from "../cluster/node-scope";
import { DiffPanel } from "../history/diff-panel";
import { HistoryBar } from "../history/history-bar";
import { ReportButton } from "../report/report-button";
import { LiveControls } from "../live/live-controls";
import { ErrorPanel } from "../ui/error-panel";
import { Skeleton } from "../ui/skeleton";
import { parseLiveParams, parseOverviewParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";
import { FilterBar } from "./filter-bar";
import { NetnsTable } from "./netns-table";
import { OverviewHeader } from "./overview-header";
import { filterChoices, filterRows, nodeCounts, sortRows, toRows } from "./overview-model";
import { useChangedRows } from "./use-changed-rows";

/**
 * The node at a glance: fetches the snapshot, keeps every bit of view state in the URL. Behind the hub (a node
 * without history and diffs) the history bar hides itself, `since` is ignored and the report button stands alone.
 */
export function OverviewView() {
  const [search, setSearch] = useUrlState();
  const hasHistory = useNodeScope()?.capabilities.history ?? true;
  // Parsed once per distinct query string, so the filter/sort memo below recomputes only when it changes.
  const queryString = search.toString();
  const params = useMemo(() => parseOverviewParams(new URLSearchParams(queryString)), [queryString]);
  const live = useMemo(() => {
    const parsed = parseLiveParams(new URLSearchParams(queryString));
    return hasHistory ? parsed : { ...parsed, since: undefined };
  }, [queryString, hasHistory]);
  const query = useQuery(snapshotQuery(live));
  const rows = useMemo(() => (query.data ? toRows(query.data) : []), [query.data]);
  const shown = useMemo(() => sortRows(filterRows(rows, params), params), [rows, params]);
  const changed = useChangedRows(query.data);
  const diff = useQuery({ ...diffQuery(live.since ?? "", live), enabled: live.since !== undefined });

  if (query.isPending) return <OverviewSkeleton />;
  if (query.isError) return <ErrorPanel title="The node could not be read" message={query.error.message} onRetry={() => void query.refetch()} />;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <OverviewHeader snapshot={query.data} counts={nodeCounts(query.data)} />
        <div className="flex flex-col items-end gap-2">
          {live.at === undefined && <LiveControls live={live} updatedAt={query.dataUpdatedAt} isFetching={query.isFetching} onChange={setSearch} />}
          {!hasHistory && <ReportButton snapshot={query.data} diff={undefined} />}
        </div>
      </div>
      <HistoryBar live={live} onChange={setSearch} extra={<ReportButton snapshot={query.data} diff={diff.data} />} />
      {live.since !== undefined && diff.isError && <ErrorPanel title="The changes could not be computed" message={diff.error.message} />}
      {diff.data && <DiffPanel diff={diff.data} />}
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

function OverviewSkeleton() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the node">
      <Skeleton className="h-10 w-64" />
      <Skeleton className="h-16" />
      <Skeleton className="h-8" />
      <Skeleton className="h-96" />
    </div>
  );
}
