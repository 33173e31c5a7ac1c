"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { clusterSnapshotSchema, type ClusterSnapshot } from "@/server/contract/cluster";
import { postJson } from "../data/api-client";
import { clusterSnapshotQuery, clusterSnapshotsQuery } from "../data/queries";
import { queryKeys } from "../data/query-keys";
import { useWrite } from "../data/use-write";
import { ErrorPanel } from "../ui/error-panel";
import { Skeleton } from "../ui/skeleton";
import { apiPaths, frozenClusterHref, nodeHrefs } from "../url/routes";

const when = (iso: string) => new Date(iso).toLocaleString();

/** On the live `/cluster`: "Freeze the cluster" (then to the frozen view) and the earlier frozen cluster snapshots, newest first. */
export function ClusterSnapshotsPanel() {
  const list = useQuery(clusterSnapshotsQuery());
  const client = useQueryClient();
  const router = useRouter();
  const { busy, error, run } = useWrite();
  const freeze = async () => {
    const record = await run("freeze", () => postJson(apiPaths.clusterSnapshots(), undefined, clusterSnapshotSchema));
    if (record === undefined) return;
    client.setQueryData(queryKeys.clusterSnapshot(record.id), record);
    await client.invalidateQueries({ queryKey: queryKeys.clusterSnapshots() });
    router.push(frozenClusterHref(record.id));
  };
  const snapshots = list.data?.snapshots ?? [];
  return (
    <section
      aria-labelledby="frozen-heading"
      className="space-y-2 rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="frozen-heading" className="font-medium">
          Frozen cluster snapshots
        </h2>
        <button
          type="button"
          disabled={busy !== undefined}
          onClick={() => void freeze()}
          className="rounded bg-sky-700 px-3 py-1 font-medium text-white hover:bg-sky-800 disabled:opacity-60"
          data-testid="freeze-cluster"
        >
          {busy === "freeze" ? "Freezing…" : "❄ Freeze the cluster"}
        </button>
        <span className="text-xs text-slate-500 dark:text-slate-400">keeps every node&apos;s snapshot now, for a link that still shows it later</span>
      </div>
      {error !== undefined && (
        <p role="alert" className="text-rose-800 dark:text-rose-300" data-testid="freeze-error">
          {error}
        </p>
      )}
      {list.data?.isAvailable === false && <p className="text-amber-800 dark:text-amber-300">The hub&apos;s store cannot be used: {list.data.error}</p>}
      {snapshots.length > 0 && (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="cluster-snapshots">
          {snapshots.map((s) => (
            <li key={s.id} className="flex flex-wrap items-baseline gap-x-3 py-1">
              <Link prefetch={false} href={frozenClusterHref(s.id)} className="text-sky-700 hover:underline dark:text-sky-400">
                <time dateTime={s.takenAt}>{when(s.takenAt)}</time>
              </Link>
              <span className="text-xs text-slate-600 dark:text-slate-400">
                {s.nodes.length} {s.nodes.length === 1 ? "node" : "nodes"}
                {s.missing.length > 0 && `, ${s.missing.length} missing`}
              </span>
              <span className="font-mono text-xs text-slate-500">{s.id}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** `/cluster?at=<id>`: one frozen cluster snapshot, read from the hub's store. */
export function FrozenClusterView({ at }: { at: string }) {
  const record = useQuery(clusterSnapshotQuery(at));
  if (record.isPending) return <Skeleton className="h-40" />;
  if (record.isError) return <ErrorPanel title="The frozen cluster snapshot could not be read" message={record.error.message} />;
  return <FrozenCluster record={record.data} />;
}

/** What a frozen cluster snapshot holds: when, by whom, each node (a link into its frozen pages), the missing nodes and why. Pure. */
export function FrozenCluster({ record }: { record: ClusterSnapshot }) {
  return (
    <div className="space-y-4" data-testid="frozen-cluster">
      <div
        role="status"
        className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border-2 border-amber-400 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100"
      >
        <span className="font-semibold">❄ Not live: a frozen cluster snapshot</span>
        <span>
          taken <time dateTime={record.takenAt}>{when(record.takenAt)}</time> by {record.who}
        </span>
        <span className="font-mono text-xs">{record.id}</span>
        <Link prefetch={false} href="/cluster" className="ml-auto font-semibold underline" data-testid="go-live">
          Go live
        </Link>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm" data-testid="frozen-nodes">
          <thead className="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800 dark:text-slate-400">
            <tr>
              <th className="px-3 py-2">Node</th>
              <th className="px-3 py-2 text-right">Namespaces</th>
              <th className="px-3 py-2">Its snapshot</th>
            </tr>
          </thead>
          <tbody>
            {record.nodes.map((n) => (
              <tr key={n.name} data-node={n.name} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                <td className="px-3 py-2">
                  <Link prefetch={false} href={nodeHrefs(n.name, record.id).overview()} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                    {n.name}
                  </Link>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{n.netnsCount}</td>
                <td className="px-3 py-2 font-mono text-xs text-slate-600 dark:text-slate-400">{n.snapshotId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {record.missing.length > 0 && (
        <section aria-labelledby="missing-heading" className="space-y-1 text-sm" data-testid="frozen-missing">
          <h2 id="missing-heading" className="font-medium text-amber-800 dark:text-amber-300">
            Not in this snapshot: {record.missing.length === 1 ? "a node" : `${record.missing.length} nodes`} could not be read
          </h2>
          <ul className="list-disc pl-5">
            {record.missing.map((m) => (
              <li key={m.name}>
                <span className="font-medium">{m.name}</span>: <span className="font-mono text-xs break-words">{m.reason}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
