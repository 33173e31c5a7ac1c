"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { clusterSnapshotQuery } from "../data/queries";
import { frozenClusterHref } from "../url/routes";
import { withParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";

/** Above a node page at `?at=<cluster snapshot id>`: says loudly it is not live, when the cluster was frozen, and the ways out. */
export function FrozenNodeBanner({ node, at }: { node: string; at: string }) {
  const record = useQuery(clusterSnapshotQuery(at));
  const [search] = useUrlState();
  const pathname = usePathname();
  const liveQuery = withParams(search, { at: undefined }).toString();
  const entry = record.data?.nodes.find((n) => n.name === node);
  return (
    <div
      role="status"
      data-testid="frozen-node-banner"
      className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border-2 border-amber-400 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100"
    >
      <span className="font-semibold">
        ❄ Not live: frozen cluster snapshot of{" "}
        {record.data ? <time dateTime={record.data.takenAt}>{new Date(record.data.takenAt).toLocaleString()}</time> : record.isError ? "?" : "…"}
      </span>
      <span>
        {record.isError
          ? record.error.message
          : entry
            ? `${node}: ${entry.netnsCount} namespaces then; trace and capture act on the node now, so they are off here`
            : record.data
              ? `${node} is not in it`
              : "loading…"}
      </span>
      <span className="font-mono text-xs">{at}</span>
      <span className="ml-auto flex flex-wrap gap-3">
        <Link prefetch={false} href={frozenClusterHref(at)} className="underline" data-testid="frozen-cluster-link">
          Every node then
        </Link>
        <Link prefetch={false} href={liveQuery === "" ? pathname : `${pathname}?${liveQuery}`} className="font-semibold underline" data-testid="go-live">
          Go live
        </Link>
      </span>
    </div>
  );
}
