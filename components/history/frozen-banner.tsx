"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { snapshotQuery } from "../data/queries";
import { useAt } from "../url/at-scope";
import { apiPaths, pageHrefs } from "../url/routes";
import { withParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";
import { FrozenFrame } from "./frozen-frame";

/** On every page showing a stored snapshot: says so loudly, when it was taken, and the way back to live. */
export function FrozenBanner() {
  const at = useAt();
  const [search] = useUrlState();
  const snapshot = useQuery({ ...snapshotQuery({ live: false, every: 5, at }), enabled: at !== undefined });
  if (at === undefined) return null;
  const sinceQuery = withParams(new URLSearchParams(), { since: at }).toString();
  const takenAt = snapshot.data ? new Date(snapshot.data.takenAt) : undefined;
  return (
    <FrozenFrame
      testId="frozen-banner"
      className="mb-5"
      title="a stored snapshot"
      detail={
        takenAt ? (
          <>
            taken <time dateTime={snapshot.data?.takenAt}>{takenAt.toLocaleString()}</time> on {snapshot.data?.node.hostname}
          </>
        ) : snapshot.isError ? (
          snapshot.error.message
        ) : (
          "loading…"
        )
      }
      id={at}
      liveQuery={withParams(search, { at: undefined, since: undefined }).toString()}
      links={
        <>
          <a href={apiPaths.exportSnapshot(at)} className="underline" download>
            Export JSON
          </a>
          <Link prefetch={false} href={pageHrefs.overview(new URLSearchParams(sinceQuery))} className="underline">
            What changed since
          </Link>
        </>
      }
    />
  );
}
