"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { snapshotQuery } from "../data/queries";
import { useAt } from "../url/at-scope";
import { apiPaths, pageHrefs } from "../url/routes";
import { withParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";

/** On every page showing a stored snapshot: says so loudly, when it was taken, and the way back to live. */
export function FrozenBanner() {
  const at = useAt();
  const [search] = useUrlState();
  const pathname = usePathname();
  const snapshot = useQuery({ ...snapshotQuery({ live: false, every: 5, at }), enabled: at !== undefined });
  if (at === undefined) return null;
  const liveQuery = withParams(search, { at: undefined, since: undefined }).toString();
  const sinceQuery = withParams(new URLSearchParams(), { since: at }).toString();
  const takenAt = snapshot.data ? new Date(snapshot.data.takenAt) : undefined;
  return (
    <div
      role="status"
      data-testid="frozen-banner"
      className="mb-5 flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border-2 border-amber-400 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100"
    >
      <span className="font-semibold">❄ Not live: a stored snapshot</span>
      <span>
        {takenAt ? (
          <>
            taken <time dateTime={snapshot.data?.takenAt}>{takenAt.toLocaleString()}</time> on {snapshot.data?.node.hostname}
          </>
        ) : snapshot.isError ? (
          snapshot.error.message
        ) : (
          "loading…"
        )}
      </span>
      <span className="font-mono text-xs">{at}</span>
      <span className="ml-auto flex flex-wrap gap-3">
        <a href={apiPaths.exportSnapshot(at)} className="underline" download>
          Export JSON
        </a>
        <Link prefetch={false} href={pageHrefs.overview(new URLSearchParams(sinceQuery))} className="underline">
          What changed since
        </Link>
        <Link prefetch={false} href={liveQuery === "" ? pathname : `${pathname}?${liveQuery}`} className="font-semibold underline" data-testid="go-live">
          Go live
        </Link>
      </span>
    </div>
  );
}
