"use client";

import "@xyflow/react/dist/style.css";
import { Background, Controls, MarkerType, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type Node } from "@xyflow/react";
import { useQuery } from "@tanstack/react-query";
import { useChangedRows } from "../overview/use-changed-rows";
import { useEffect, useMemo, useRef, useState } from "react";
import { diffQuery, snapshotQuery } from "../data/queries";
import { anomalyCountByNetns } from "../anomalies/anomaly-counts";
import { HistoryBar } from "../history/history-bar";
import { ReportButton } from "../report/report-button";
import { LiveControls } from "../live/live-controls";
import { ErrorPanel } from "../ui/error-panel";
import { Skeleton } from "../ui/skeleton";
import { parseLiveParams, parseTopologyParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";
import { download, svgToPng, topologyToSvg } from "./export-svg";
import { layoutTopology, type Layout, type Positioned } from "./layout";
import { NodePanel } from "./node-panel";
import { BridgeNode, K8sGroupNode, NetnsNode, type GroupNodeData, type TopoNodeData } from "./topology-nodes";
import { buildTopology, focusNodeId, neighbourhood } from "./topology-model";
import { TraceBanner, tracedQuery } from "./trace-banner";
import { tracedPath } from "./trace-on-topology";
import { traceQuery } from "../trace/trace-query";

const NODE_TYPES = { netns: NetnsNode, bridge: BridgeNode, k8sGroup: K8sGroupNode };
const PATH_EDGE_STYLE = { stroke: "#059669", strokeWidth: 3 };

export function TopologyView() {
  return (
    <ReactFlowProvider>
      <TopologyCanvas />
    </ReactFlowProvider>
  );
}

function TopologyCanvas() {
  const [search, setSearch] = useUrlState();
  const params = parseTopologyParams(search);
  const live = parseLiveParams(search);
  const query = useQuery(snapshotQuery(live));
  const flow = useReactFlow();

  const focusId = query.data && params.focus ? focusNodeId(query.data, params.focus) : undefined;
  const changed = useChangedRows(query.data);
  const diff = useQuery({ ...diffQuery(live.since ?? "", live), enabled: live.since !== undefined });
  const anomalyCounts = useMemo(() => anomalyCountByNetns(query.data?.anomalies ?? []), [query.data]);
  const inDiff = useMemo(() => new Set(diff.data?.changes.map((c) => c.netnsId) ?? []), [diff.data]);
  const topology = useMemo(() => {
    if (query.data === undefined) return undefined;
    const all = buildTopology(query.data, { hideLoopback: params.lo === "hide" });
    return focusId ? neighbourhood(all, focusId) : all;
  }, [query.data, params.lo, focusId]);
  const traceAsked = useMemo(() => tracedQuery(search), [search]);
  const trace = useQuery({ ...traceQuery(traceAsked?.ok ? traceAsked.query : { from: "0", to: "0.0.0.0" }), enabled: traceAsked?.ok === true });
  const path = useMemo(
    () =>
      traceAsked?.ok && trace.data && query.data && topology ? tracedPath(query.data, topology, { hideLoopback: params.lo === "hide" }, trace.data) : undefined,
    [traceAsked, trace.data, query.data, topology, params.lo],
  );

  // Positions persist across refreshes; only a change of the node set runs the layout again, and a
  // layout already under way for the same set is never started twice (ELK takes ~0.3 s at 250 nodes).
  const positions = useRef(new Map<string, Positioned>());
  const inFlight = useRef<string | undefined>(undefined);
  const flowRef = useRef(flow);
  useEffect(() => {
    flowRef.current = flow;
  }, [flow]);
  const [layout, setLayout] = useState<({ key: string } & Layout) | undefined>(undefined);
  const arrangement = `${params.dir}/${params.group ?? "none"}`;
  const nodeKey = topology ? `${arrangement}|${topology.nodes.map((n) => `${n.id}/${n.ports.length}`).join(",")}` : "";
  const layoutKey = layout?.key;
  useEffect(() => {
    if (topology === undefined || layoutKey === nodeKey || inFlight.current === nodeKey) return;
    inFlight.current = nodeKey;
    const isFirst = layoutKey === undefined;
    const keep = layoutKey !== undefined && layoutKey.split("|")[0] === arrangement ? positions.current : new Map<string, Positioned>();
    performance.mark("nsatlas:layout:start");
    void layoutTopology(topology, keep, params.dir === "down" ? "DOWN" : "RIGHT", params.group === "k8sns").then((result) => {
      performance.mark("nsatlas:layout:end");
      if (inFlight.current !== nodeKey) return; // a newer node set superseded this one
      inFlight.current = undefined;
      positions.current = result.positions;
      setLayout({ key: nodeKey, ...result });
      if (isFirst) requestAnimationFrame(() => void flowRef.current.fitView({ padding: 0.1 }));
    });
  }, [topology, nodeKey, layoutKey, params.dir, params.group, arrangement]);

  const nodes: Node<TopoNodeData | GroupNodeData>[] = useMemo(
    () => [
      ...[...(layout?.groups ?? [])].map(([ns, g]) => ({
        id: `k8sns:${ns}`,
        type: "k8sGroup",
        position: { x: g.x, y: g.y },
        style: { width: g.width, height: g.height },
        data: { label: ns },
        draggable: false,
        selectable: false,
        focusable: false,
        zIndex: -1,
      })),
      ...(topology?.nodes ?? []).flatMap((n) => {
        const p = layout?.positions.get(n.id);
        if (p === undefined) return [];
        return [
          {
            id: n.id,
            type: n.kind === "bridge" ? "bridge" : "netns",
            position: { x: p.x, y: p.y },
            data: {
              node: n,
              isSelected: params.sel === n.id,
              isFocus: focusId === n.id,
              isChanged: changed.has(n.netnsId) && n.kind !== "bridge",
              anomalyCount: n.kind === "bridge" ? 0 : (anomalyCounts.get(n.netnsId) ?? 0),
              isInDiff: n.kind !== "bridge" && inDiff.has(n.netnsId),
              isOnPath: path?.nodeIds.has(n.id) ?? false,
            },
            draggable: false,
          },
        ];
      }),
    ],
    [topology, layout, params.sel, focusId, changed, anomalyCounts, inDiff, path],
  );
  const edges: Edge[] = useMemo(
    () =>
      (topology?.edges ?? []).map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        sourceHandle: e.sourcePort ?? "node",
        targetHandle: e.targetPort ?? "node",
        label: e.label,
        labelStyle: { fontSize: 10 },
        style: { ...(e.kind === "parent" ? { strokeDasharray: "5 4" } : {}), ...(path?.edgeIds.has(e.id) ? PATH_EDGE_STYLE : {}) },
        markerEnd: e.kind === "parent" ? { type: MarkerType.ArrowClosed } : undefined,
        animated: path?.edgeIds.has(e.id) ?? false,
        zIndex: path?.edgeIds.has(e.id) ? 1 : 0,
        className: path?.edgeIds.has(e.id) ? "on-path" : "",
      })),
    [topology, path],
  );

  if (query.isPending) return <Skeleton className="h-[70vh]" />;
  if (query.isError) return <ErrorPanel title="The node could not be read" message={query.error.message} onRetry={() => void query.refetch()} />;

  const exportAs = async (format: "svg" | "png") => {
    if (topology === undefined || layout === undefined) return;
    const svg = topologyToSvg(topology, layout.positions, document.documentElement.classList.contains("dark"));
    const name = `nsatlas-${query.data.node.hostname}-${new Date(query.data.takenAt).toISOString().replace(/[:.]/g, "-")}`;
    if (format === "svg") download(URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" })), `${name}.svg`);
    else download(await svgToPng(svg), `${name}.png`);
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <h1 className="mr-2 text-xl font-semibold">Topology</h1>
        {params.focus && (
          <span className="rounded-full bg-sky-100 px-2 py-0.5 text-sky-950 dark:bg-sky-900 dark:text-sky-100" data-testid="focus">
            around {params.focus}
            <button type="button" onClick={() => setSearch({ focus: undefined })} className="ml-1 underline">
              show all
            </button>
          </span>
        )}
        <button
          type="button"
          aria-pressed={params.lo === "show"}
          onClick={() => setSearch({ lo: params.lo === "hide" ? "show" : "hide" })}
          className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700"
        >
          {params.lo === "hide" ? "Show loopback" : "Hide loopback"}
        </button>
        <button
          type="button"
          onClick={() => setSearch({ dir: params.dir === "right" ? "down" : "right" })}
          className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700"
        >
          Layout: {params.dir === "right" ? "left to right" : "top to bottom"}
        </button>
        <button
          type="button"
          aria-pressed={params.group === "k8sns"}
          onClick={() => setSearch({ group: params.group === "k8sns" ? undefined : "k8sns" })}
          className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700"
          data-testid="group-toggle"
        >
          {params.group === "k8sns" ? "Ungroup" : "Group by k8s namespace"}
        </button>
        <button
          type="button"
          onClick={() => void exportAs("svg")}
          className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700"
          data-testid="export-svg"
        >
          Export SVG
        </button>
        <button
          type="button"
          onClick={() => void exportAs("png")}
          className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700"
          data-testid="export-png"
        >
          Export PNG
        </button>
        <span className="text-slate-600 dark:text-slate-400" data-testid="graph-size">
          {topology?.nodes.length ?? 0} nodes, {topology?.edges.length ?? 0} wires
        </span>
        {live.at === undefined && (
          <span className="ml-auto">
            <LiveControls live={live} updatedAt={query.dataUpdatedAt} isFetching={query.isFetching} onChange={setSearch} />
          </span>
        )}
      </div>
      <HistoryBar live={live} onChange={setSearch} extra={<ReportButton snapshot={query.data} diff={diff.data} />} />
      {traceAsked !== undefined && (
        <TraceBanner
          asked={traceAsked}
          trace={trace}
          path={path}
          onClear={() => setSearch({ from: undefined, trace: undefined, proto: undefined, sport: undefined, dport: undefined })}
        />
      )}
      <div className="flex gap-3">
        <div
          className="h-[75vh] min-w-0 flex-1 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950"
          data-testid="topology-canvas"
          data-laid-out={layout ? "true" : "false"}
          onKeyDown={(e) => {
            // Tab reaches every box (React Flow makes nodes focusable); Enter opens its panel, Escape closes it.
            const id = e.target instanceof HTMLElement ? e.target.closest(".react-flow__node")?.getAttribute("data-id") : undefined;
            if (e.key === "Enter" && id) setSearch({ sel: id });
            if (e.key === "Escape") setSearch({ sel: undefined });
          }}
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodeClick={(_, node) => {
              if (!node.id.startsWith("k8sns:")) setSearch({ sel: node.id });
            }}
            onPaneClick={() => setSearch({ sel: undefined })}
            minZoom={0.05}
            nodesConnectable={false}
            proOptions={{ hideAttribution: true }}
            colorMode={typeof document !== "undefined" && document.documentElement.classList.contains("dark") ? "dark" : "light"}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        {params.sel && <NodePanel snapshot={query.data} nodeId={params.sel} onClose={() => setSearch({ sel: undefined })} />}
      </div>
    </div>
  );
}
