"use client";

import "@xyflow/react/dist/style.css";
import { Background, Controls, MarkerType, ReactFlow, ReactFlowProvider, type Edge, type Node, type NodeProps } from "@xyflow/react";
import { Handle, Position } from "@xyflow/react";
import { useQuery } from "@tanstack/react-query";
import ELK from "elkjs/lib/elk.bundled.js";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type { ClusterNode } from "@/server/contract/cluster";
import { clusterTopologyQuery } from "../data/queries";
import { ErrorPanel } from "../ui/error-panel";
import { Skeleton } from "../ui/skeleton";
import { buildClusterGraph } from "./cluster-graph-model";
import { NODE_STATE_VIEW } from "./node-state";

const BOX = { width: 240, height: 64 };
const elk = new ELK();

type BoxData = { node: ClusterNode };

function NodeBox({ data }: NodeProps<Node<BoxData>>) {
  const view = NODE_STATE_VIEW[data.node.state];
  return (
    <div
      className="rounded-lg border-2 bg-white px-3 py-2 text-xs shadow-sm dark:bg-slate-900"
      style={{ borderColor: view.colour, width: BOX.width, height: BOX.height }}
      data-graph-node={data.node.name}
      data-state={data.node.state}
    >
      <Handle type="target" position={Position.Left} className="opacity-0" />
      <Link prefetch={false} href={data.node.links.page} className="block truncate font-semibold text-sky-700 hover:underline dark:text-sky-400">
        {data.node.name}
      </Link>
      <div className="flex items-center gap-1 text-slate-600 dark:text-slate-300">
        <span className="inline-block h-2 w-2 rounded-full" style={{ background: view.colour }} />
        {view.label} · {data.node.netnsCount} ns · {data.node.podCount} pods
      </div>
      <Handle type="source" position={Position.Right} className="opacity-0" />
    </div>
  );
}

const NODE_TYPES = { box: NodeBox };

/** The nodes as boxes coloured by state and the tunnels and routes between them (GET /api/v1/cluster/topology). */
export function ClusterGraph() {
  const query = useQuery(clusterTopologyQuery());
  const graph = useMemo(() => (query.data ? buildClusterGraph(query.data.nodes, query.data.links) : undefined), [query.data]);
  const shape = graph ? `${graph.nodes.map((n) => n.id).join(",")}|${graph.edges.map((e) => `${e.source}>${e.target}`).join(",")}` : "";
  const [positions, setPositions] = useState<{ shape: string; at: Map<string, { x: number; y: number }> } | undefined>(undefined);
  useEffect(() => {
    if (graph === undefined || positions?.shape === shape) return;
    let isCurrent = true;
    void elk
      .layout({
        id: "root",
        layoutOptions: {
          "elk.algorithm": "layered",
          "elk.direction": "RIGHT",
          "elk.spacing.nodeNode": "40",
          "elk.layered.spacing.nodeNodeBetweenLayers": "120",
        },
        children: graph.nodes.map((n) => ({ id: n.id, ...BOX })),
        edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
      })
      .then((laid) => {
        if (!isCurrent) return;
        setPositions({ shape, at: new Map((laid.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }])) });
      });
    return () => {
      isCurrent = false;
    };
  }, [graph, shape, positions?.shape]);

  const nodes: Node<BoxData>[] = useMemo(
    () => (graph ?? { nodes: [] }).nodes.map((n) => ({ id: n.id, type: "box", position: positions?.at.get(n.id) ?? { x: 0, y: 0 }, data: { node: n.node } })),
    [graph, positions],
  );
  const edges: Edge[] = useMemo(
    () =>
      (graph ?? { edges: [] }).edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        label: e.label,
        markerEnd: { type: MarkerType.ArrowClosed },
        style: { strokeDasharray: e.kind === "route" ? "6 4" : undefined },
      })),
    [graph],
  );

  return (
    <section aria-labelledby="graph-heading" className="space-y-2">
      <h2 id="graph-heading" className="text-lg font-semibold">
        Between nodes
      </h2>
      {query.isPending ? (
        <Skeleton className="h-64" />
      ) : query.isError ? (
        <ErrorPanel title="The links between nodes could not be read" message={query.error.message} onRetry={() => void query.refetch()} />
      ) : (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="graph-summary">
            {query.data.nodes.length} nodes, {query.data.links.length} links (VXLAN remotes and host-gw routes; solid: vxlan, dashed: route).
            {query.data.partial && ` Partial: the links of ${query.data.missing.join(", ")} could not be read.`}
          </p>
          {query.data.notes.length > 0 && (
            <ul className="list-disc pl-5 text-xs text-slate-500 dark:text-slate-400" data-testid="graph-notes">
              {query.data.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          {nodes.length > 0 && (
            <div className="h-80 rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950" data-testid="cluster-graph">
              {positions === undefined ? (
                <Skeleton className="h-full" />
              ) : (
                <ReactFlowProvider>
                  <ReactFlow
                    key={positions.shape}
                    nodes={nodes}
                    edges={edges}
                    nodeTypes={NODE_TYPES}
                    fitView
                    nodesConnectable={false}
                    proOptions={{ hideAttribution: true }}
                    colorMode={typeof document !== "undefined" && document.documentElement.classList.contains("dark") ? "dark" : "light"}
                  >
                    <Background />
                    <Controls showInteractive={false} />
                  </ReactFlow>
                </ReactFlowProvider>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
