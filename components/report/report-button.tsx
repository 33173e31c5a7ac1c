"use client";

import { useState } from "react";
import type { Diff } from "@/server/contract/diff";
import type { SnapshotOverview } from "@/server/contract/snapshot";
import { download, topologyToSvg } from "../topology/export-svg";
import { layoutTopology } from "../topology/layout";
import { buildTopology } from "../topology/topology-model";
import { useAt } from "../url/at-scope";
import { buildReport } from "./build-report";

/** Downloads the incident report (Markdown with the topology as SVG) of the snapshot and diff on screen. */
export function ReportButton({ snapshot, diff }: { snapshot: SnapshotOverview | undefined; diff: Diff | undefined }) {
  const [isBusy, setBusy] = useState(false);
  // Only a stored snapshot has a link that opens it again.
  const at = useAt();
  if (snapshot === undefined) return null;
  const make = async () => {
    setBusy(true);
    try {
      const topology = buildTopology(snapshot, { hideLoopback: true });
      const layout = await layoutTopology(topology, new Map(), "RIGHT");
      const svg = topologyToSvg(topology, layout.positions, false);
      const markdown = buildReport({ snapshot, diff, svg, link: at === undefined ? undefined : `${window.location.origin}/s/${encodeURIComponent(at)}` });
      const url = URL.createObjectURL(new Blob([markdown], { type: "text/markdown" }));
      download(url, `nsatlas-report-${snapshot.node.hostname}-${snapshot.id}.md`);
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      onClick={() => void make()}
      disabled={isBusy}
      className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800"
      data-testid="report"
    >
      {isBusy ? "Writing report…" : "Report (.md)"}
    </button>
  );
}
