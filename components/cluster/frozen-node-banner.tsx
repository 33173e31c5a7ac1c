"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { clusterSnapshotQuery } from "../data/queries";
import { FrozenFrame } from "../history/frozen-frame";
import { frozenClusterHref } from "../url/routes";
import { withParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";

/** Above a node page at `?at=<cluster snapshot id>`: says loudly it is not live, when the cluster was frozen, and the ways out. */
export function FrozenNodeBanner({ node, at }: { node: string; at: string }) {
  const record = useQuery(clusterSnapshotQuery(at));
  const [search] = useUrlState();
  const entry = record.data?.nodes.find((n) => n.name === node);
  return (
    <FrozenFrame
      testId="frozen-node-banner"
      title={
        <>
          frozen cluster snapshot of{" "}
          {record.data ? <time dateTime={record.data.takenAt}>{new Date(record.data.takenAt).toLocaleString()}</time> : record.isError ? "?" : "…"}
        </>
      }
      detail={
        record.isError
          ? record.error.message
          : entry
            ? `${node}: ${entry.netnsCount} namespaces then; trace and capture act on the node now, so they are off here`
            : record.data
              ? `${node} is not in it`
              : "loading…"
      }
      id={at}
      liveQuery={withParams(search, { at: undefined }).toString()}
      links={
        <Link prefetch={false} href={frozenClusterHref(at)} className="underline" data-testid="frozen-cluster-link">
          Every node then
        </Link>
      }
    />
  );
}
