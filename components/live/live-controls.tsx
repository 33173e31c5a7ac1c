"use client";

import { useEffect, useState } from "react";
import type { LiveParams } from "../url/search-params";
import { useIsStreaming } from "./change-stream";

const INTERVALS = [2, 5, 10, 30, 60];

/** "updated 3 s ago", pause/resume and the polling interval: pure, fed by props. */
export function LiveControls({
  live,
  updatedAt,
  isFetching,
  onChange,
}: {
  live: LiveParams;
  updatedAt: number;
  isFetching: boolean;
  onChange: (changes: { live?: string; every?: string }) => void;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const isStreaming = useIsStreaming();
  const ago = updatedAt === 0 ? undefined : Math.max(0, Math.round((now - updatedAt) / 1000));
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400" data-testid="live-controls">
      <span aria-live="polite" data-testid="updated-ago">
        {isFetching ? "updating…" : ago === undefined ? "not loaded yet" : `updated ${ago} s ago`}
      </span>
      {isStreaming && live.live && (
        <span
          className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200"
          data-testid="streaming"
          title="Changes are pushed by the agent as they happen (GET /api/v1/events)"
        >
          ● changes pushed
        </span>
      )}
      <button
        type="button"
        onClick={() => onChange({ live: live.live ? "0" : "1" })}
        className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
        aria-pressed={!live.live}
      >
        {live.live ? "Pause" : "Resume"}
      </button>
      <label className="flex items-center gap-1">
        <span>every</span>
        <select
          value={live.every}
          onChange={(e) => onChange({ every: e.target.value })}
          className="rounded border border-slate-300 bg-white px-1 py-0.5 dark:border-slate-700 dark:bg-slate-900"
          aria-label="Refresh interval in seconds"
        >
          {[...new Set([...INTERVALS, live.every])]
            .sort((a, b) => a - b)
            .map((s) => (
              <option key={s} value={s}>
                {s} s
              </option>
            ))}
        </select>
      </label>
    </div>
  );
}
