import Link from "next/link";
import { memo } from "react";
import { HOST_LABEL, NO_OWNER_LABEL, refParts } from "@/server/contract/display";
import { OwnerBadge } from "../ui/owner-badge";
import { useHrefs } from "../url/at-scope";
import type { OverviewParams } from "../url/search-params";
import type { NetnsRow } from "./overview-model";

const COLUMNS: Array<{ key: OverviewParams["sort"] | undefined; label: string; className?: string }> = [
  { key: "owner", label: "Owner" },
  { key: "id", label: "Namespace" },
  { key: undefined, label: "Held by" },
  { key: "interfaces", label: "Interfaces", className: "text-right" },
  { key: "addresses", label: "Addresses" },
];

/** Rows rendered before "show all": keeps a search keystroke under 100 ms on a 1,000-namespace node. */
const ROW_LIMIT = 200;

/** The namespace table: one row per namespace, sortable headers: pure. */
export function NetnsTable({
  rows,
  params,
  changed = new Set(),
  onSort,
  onShowAll,
}: {
  rows: NetnsRow[];
  params: OverviewParams;
  /** Rows that appeared or changed with the last refresh: briefly highlighted. */
  changed?: Set<string>;
  onSort: (key: OverviewParams["sort"]) => void;
  onShowAll?: () => void;
}) {
  const shown = params.rows === "all" ? rows : rows.slice(0, ROW_LIMIT);
  if (rows.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:text-slate-400 dark:border-slate-700">
        No namespace matches these filters.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.label}
                scope="col"
                className={`px-3 py-2 ${c.className ?? ""}`}
                aria-sort={c.key === params.sort ? (params.dir === "asc" ? "ascending" : "descending") : undefined}
              >
                {c.key === undefined ? (
                  c.label
                ) : (
                  <button type="button" onClick={() => onSort(c.key ?? "owner")} className="uppercase hover:underline">
                    {c.label}
                    {c.key === params.sort && <span aria-hidden>{params.dir === "asc" ? " ▲" : " ▼"}</span>}
                  </button>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <NetnsTableRow key={changed.has(row.netns.id) ? `${row.netns.id}-changed` : row.netns.id} row={row} isChanged={changed.has(row.netns.id)} />
          ))}
        </tbody>
      </table>
      {shown.length < rows.length && (
        <p className="border-t border-slate-100 p-3 text-center text-sm dark:border-slate-800">
          Showing the first {shown.length} of {rows.length}.{" "}
          <button type="button" onClick={onShowAll} className="text-sky-700 underline dark:text-sky-400">
            Show all {rows.length}
          </button>{" "}
          or narrow the search.
        </p>
      )}
    </div>
  );
}

/** One row; memoised, so a refresh or a search re-renders only rows whose data changed. */
const NetnsTableRow = memo(function NetnsTableRow({ row: { netns: n, addresses, anomalyCount }, isChanged }: { row: NetnsRow; isChanged: boolean }) {
  const hrefs = useHrefs();
  return (
    <tr
      data-netns={n.id}
      data-changed={isChanged ? "true" : undefined}
      className={`border-t border-slate-100 align-top hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-800/50 ${isChanged ? "changed-flash" : ""}`}
    >
      <td className="px-3 py-2">
        <div className="flex flex-col gap-0.5">
          {n.isHost && <span className="font-semibold">{HOST_LABEL}</span>}
          {n.owners.map((o, i) => (
            <OwnerBadge key={`${o.kind}-${i}`} owner={o} />
          ))}
          {!n.isHost && n.owners.length === 0 && <span className="text-slate-600 dark:text-slate-400">{NO_OWNER_LABEL}</span>}
          {n.isGone && <span className="text-xs text-rose-700 dark:text-rose-300">gone</span>}
          {anomalyCount > 0 && (
            <span className="text-xs font-medium text-rose-700 dark:text-rose-300" data-testid="row-anomalies">
              ⚠ {anomalyCount} anomal{anomalyCount === 1 ? "y" : "ies"}
            </span>
          )}
        </div>
      </td>
      <td className="px-3 py-2 font-mono text-xs">
        <Link prefetch={false} href={hrefs.netns(n.id)} className="text-sky-700 hover:underline dark:text-sky-400">
          {n.id}
        </Link>
      </td>
      <td className="max-w-72 px-3 py-2 font-mono text-xs text-slate-600 dark:text-slate-400">
        {refParts(n).map((item) => (
          <span key={item} className="mr-2 inline-block break-all">
            {item}
          </span>
        ))}
      </td>
      <td className="px-3 py-2 text-right tabular-nums">{n.interfaces.length}</td>
      <td className="px-3 py-2 font-mono text-xs">
        {addresses.slice(0, 4).map((a) => (
          <div key={a}>{a}</div>
        ))}
        {addresses.length > 4 && <div className="text-slate-600 dark:text-slate-400">+{addresses.length - 4} more</div>}
      </td>
    </tr>
  );
});
