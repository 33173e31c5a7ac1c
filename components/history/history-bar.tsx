"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { storedSnapshotSchema, type StoredSnapshot } from "@/server/contract/history";
import { useNodeScope } from "../cluster/node-scope";
import { postJson } from "../data/api-client";
import { historyQuery } from "../data/queries";
import { useWrite } from "../data/use-write";
import { queryKeys } from "../data/query-keys";
import { apiPaths } from "../url/routes";
import type { LiveParams } from "../url/search-params";

const when = (s: StoredSnapshot) => `${new Date(s.takenAt).toLocaleString()} (${s.origin}${s.anomalyCount > 0 ? `, ${s.anomalyCount} ⚠` : ""})`;

type BarProps = {
  live: LiveParams;
  onChange: (changes: Record<string, string | undefined>) => void;
  extra?: React.ReactNode;
};

/**
 * The time slider and the history's actions: move through stored snapshots (the right end is live),
 * freeze the node now, import or export a snapshot file, compare with an earlier snapshot. Not on a
 * node page of the hub (the hub keeps no history; the node's own dashboard has it).
 */
export function HistoryBar(props: BarProps) {
  const scope = useNodeScope();
  if (scope !== undefined && !scope.capabilities.history) return null;
  return <HistoryControls {...props} />;
}

function HistoryControls({ live, onChange, extra }: BarProps) {
  const history = useQuery(historyQuery());
  const client = useQueryClient();
  const { busy, error, run } = useWrite();
  const snapshots = history.data?.snapshots ?? [];
  const index = live.at === undefined ? snapshots.length : snapshots.findIndex((s) => s.id === live.at);
  const selected = index >= 0 ? snapshots[index] : undefined;

  const act = async (what: string, work: () => Promise<StoredSnapshot>) => {
    const entry = await run(what, work);
    if (entry === undefined) return;
    await client.invalidateQueries({ queryKey: queryKeys.history() });
    onChange({ at: entry.id });
  };

  return (
    <div className="space-y-2 rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="history-bar">
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex min-w-64 flex-1 items-center gap-2">
          <span className="font-medium">History</span>
          <input
            type="range"
            min={0}
            max={snapshots.length}
            value={index < 0 ? snapshots.length : index}
            disabled={snapshots.length === 0}
            onChange={(e) => {
              const at = snapshots[Number(e.target.value)];
              onChange({ at: at?.id });
            }}
            aria-label="Move through the stored snapshots; the right end is live"
            aria-valuetext={selected ? when(selected) : "live"}
            className="flex-1 accent-sky-700"
            data-testid="history-slider"
          />
          <span className="w-72 truncate text-slate-600 dark:text-slate-400" data-testid="history-position">
            {live.at === undefined ? `live · ${snapshots.length} stored` : selected ? when(selected) : `snapshot ${live.at} (not in this node's history)`}
          </span>
        </label>
        <button
          type="button"
          disabled={busy !== undefined}
          onClick={() => void act("freeze", () => postJson(apiPaths.snapshots(), undefined, storedSnapshotSchema))}
          className="rounded bg-sky-700 px-3 py-1 font-medium text-white hover:bg-sky-800 disabled:opacity-60"
          data-testid="freeze"
        >
          {busy === "freeze" ? "Freezing…" : "❄ Freeze"}
        </button>
        <label className="cursor-pointer rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          {busy === "import" ? "Importing…" : "Import…"}
          <input
            type="file"
            accept="application/json,.json"
            className="sr-only"
            data-testid="import-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void act("import", () => postJson(apiPaths.importSnapshot(), file, storedSnapshotSchema));
            }}
          />
        </label>
        {live.at !== undefined && (
          <a
            href={apiPaths.exportSnapshot(live.at)}
            download
            className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
          >
            Export
          </a>
        )}
        <label className="flex items-center gap-1">
          <span>Changes since</span>
          <select
            value={live.since ?? ""}
            onChange={(e) => onChange({ since: e.target.value || undefined })}
            className="max-w-56 rounded border border-slate-300 bg-white px-1 py-0.5 dark:border-slate-700 dark:bg-slate-900"
            aria-label="Show what changed since a stored snapshot"
            data-testid="since-select"
          >
            <option value="">—</option>
            {snapshots
              .filter((s) => s.id !== live.at)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {when(s)}
                </option>
              ))}
          </select>
        </label>
        {extra}
      </div>
      {history.data && !history.data.isAvailable && <p className="text-amber-800 dark:text-amber-300">History unavailable: {history.data.error}</p>}
      {error && (
        <p role="alert" className="text-rose-700 dark:text-rose-300" data-testid="history-error">
          {error}
        </p>
      )}
    </div>
  );
}
