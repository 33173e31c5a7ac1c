"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { SnapshotOverview } from "@/server/contract/snapshot";
import { ApiError } from "../data/api-client";
import { diffQuery, netnsQuery } from "../data/queries";
import { AnomalyList } from "../anomalies/anomaly-list";
import { DiffPanel } from "../history/diff-panel";
import { ExposeControl } from "./expose-control";
import { NetnsCapture } from "../capture/netns-capture";
import { queryKeys } from "../data/query-keys";
import { LiveControls } from "../live/live-controls";
import { useSnapshot } from "../pods/lookup-view";
import { ErrorPanel } from "../ui/error-panel";
import { Skeleton } from "../ui/skeleton";
import { parseLiveParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";
import { NetnsSections } from "./netns-sections";
import { TracePanel } from "../trace/trace-panel";
import { useNodeScope } from "../cluster/node-scope";

export function NetnsDetailView({ id }: { id: string }) {
  const [search, setSearch] = useUrlState();
  const live = parseLiveParams(search);
  const query = useQuery(netnsQuery(id, live));
  const snapshot = useSnapshot(live);
  const client = useQueryClient();
  const focused = useFocusedInterface(query.data !== undefined);
  const canDiff = useNodeScope()?.capabilities.diff ?? true;
  const diff = useQuery({ ...diffQuery(live.since ?? "", live), enabled: canDiff && live.since !== undefined });
  const anomalies = snapshot.data?.anomalies.filter((a) => a.places.some((p) => p.netnsId === id)) ?? [];
  if (query.isPending) return <Skeleton className="h-96" />;
  if (query.isError) {
    // Through a hub a 404 may also name a node or a frozen cluster snapshot that is not there: only a namespace's is "gone".
    if (query.error instanceof ApiError && query.error.status === 404 && /namespace/i.test(query.error.message)) {
      // The last reading this browser holds may still know whose it was.
      const earlier = client.getQueryData<SnapshotOverview>(queryKeys.snapshot())?.netns.find((n) => n.id === id);
      return (
        <div
          role="alert"
          className="space-y-1 rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
          data-testid="not-found"
        >
          <p className="font-semibold">
            {live.at === undefined ? `Network namespace ${id} is gone: it is not on this node now.` : `Network namespace ${id} is not in this snapshot.`}
          </p>
          {earlier && earlier.owners.length > 0 && <p className="text-sm">It belonged to {earlier.owners.map((o) => o.name).join(", ")}.</p>}
          <p className="text-sm">Namespace ids are inode numbers: the kernel may reuse this one for a new namespace later.</p>
        </div>
      );
    }
    return <ErrorPanel title="The namespace could not be read" message={query.error.message} onRetry={() => void query.refetch()} />;
  }
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-xl font-semibold">
          Network namespace <span className="font-mono">{query.data.id}</span>
          {query.data.isHost && <span className="ml-2 text-base font-normal text-slate-600 dark:text-slate-400">(the host&apos;s)</span>}
        </h1>
        {live.at === undefined && <LiveControls live={live} updatedAt={query.dataUpdatedAt} isFetching={query.isFetching} onChange={setSearch} />}
      </div>
      <AnomalyList anomalies={anomalies} title="Anomalies in this namespace" />
      {diff.data && <DiffPanel diff={diff.data} netnsId={id} />}
      {live.at === undefined && <TracePanel from={query.data.id} />}
      <NetnsSections netns={query.data} snapshot={snapshot.data} focusedIfindex={focused} />
      {live.at === undefined && <ExposeControl netns={query.data} />}
      {live.at === undefined && <NetnsCapture netns={query.data} />}
    </div>
  );
}

/**
 * "#if-7" in the URL (a followed veth link): the row is highlighted and scrolled into view once the
 * data is there. The browser's own :target cannot do it: the rows render after navigation.
 */
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
