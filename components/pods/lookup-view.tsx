"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { Netns, SnapshotOverview } from "@/server/contract/snapshot";
import { ApiError } from "../data/api-client";
import { containerQuery, netnsQuery, podQuery, snapshotQuery } from "../data/queries";
import { LiveControls } from "../live/live-controls";
import { NetnsSections } from "../netns/netns-sections";
import { ErrorPanel } from "../ui/error-panel";
import { Skeleton } from "../ui/skeleton";
import { useHrefs } from "../url/at-scope";
import { parseLiveParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";
import { closestNames } from "./closest-names";
import { OwnerCard } from "./owner-card";
import { TracePanel } from "../trace/trace-panel";

/**
 * A pod or container page: the owner, then each namespace it holds in full. A link to one that no
 * longer exists says so and offers the closest names on the node now.
 */
export type LookupTarget = { kind: "pod"; namespace: string; name: string } | { kind: "container"; name: string };

export function LookupView({
  target,
  what,
  candidates,
}: {
  target: LookupTarget;
  what: { label: string; name: string };
  candidates: (snapshot: SnapshotOverview) => Array<{ name: string; href: string }>;
}) {
  const [search, setSearch] = useUrlState();
  const live = parseLiveParams(search);
  const hrefs = useHrefs();
  // Hooks run unconditionally; only the query for this target is enabled.
  const pod = useQuery({ ...podQuery(target.kind === "pod" ? target.namespace : "", target.name, live), enabled: target.kind === "pod" });
  const container = useQuery({ ...containerQuery(target.name, live), enabled: target.kind === "container" });
  const query = target.kind === "pod" ? pod : container;
  const snapshot = useSnapshot(live);
  if (query.isPending) return <Skeleton className="h-96" />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      const all = snapshot.data ? candidates(snapshot.data) : [];
      const close = closestNames(
        what.name,
        all.map((c) => c.name),
      );
      return (
        <div
          role="alert"
          className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
          data-testid="not-found"
        >
          <p className="font-semibold">
            No {what.label} {what.name} on this node now.
          </p>
          <p className="text-sm">It may have been deleted or restarted under a new name.</p>
          {close.length > 0 && (
            <p className="text-sm">
              Closest:{" "}
              {close.map((name) => (
                <Link prefetch={false} key={name} href={all.find((c) => c.name === name)?.href ?? "/"} className="mr-3 underline">
                  {name}
                </Link>
              ))}
            </p>
          )}
        </div>
      );
    }
    return <ErrorPanel title={`The ${what.label} could not be read`} message={query.error.message} onRetry={() => void query.refetch()} />;
  }
  return (
    <div className="space-y-6">
      <div className="flex justify-end">
        <LiveControls live={live} updatedAt={query.dataUpdatedAt} isFetching={query.isFetching} onChange={setSearch} />
      </div>
      <OwnerCard lookup={query.data} />
      {live.at === undefined && query.data.netns[0] && <TracePanel from={query.data.netns[0].id} />}
      {query.data.netns.map((n) => (
        <section key={n.id} className="space-y-3">
          <h2 className="text-lg font-semibold">
            Network namespace{" "}
            <Link prefetch={false} href={hrefs.netns(n.id)} className="font-mono text-base text-sky-700 hover:underline dark:text-sky-400">
              {n.id}
            </Link>
            {n.isHost && <span className="ml-2 text-sm font-normal text-slate-600 dark:text-slate-400">(the host&apos;s)</span>}
          </h2>
          <LookupNetns netns={n} snapshot={snapshot.data} live={live} />
        </section>
      ))}
    </div>
  );
}

/** One namespace of a pod or container, with its listening sockets (the namespace's own reading carries them). */
function LookupNetns({ netns, snapshot, live }: { netns: Netns; snapshot: SnapshotOverview | undefined; live: ReturnType<typeof parseLiveParams> }) {
  const own = useQuery(netnsQuery(netns.id, live));
  return <NetnsSections netns={own.data ?? netns} snapshot={snapshot} />;
}

export function useSnapshot(live: ReturnType<typeof parseLiveParams>) {
  return useQuery(snapshotQuery(live));
}
