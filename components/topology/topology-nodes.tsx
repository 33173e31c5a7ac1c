import { Handle, Position, type NodeProps } from "@xyflow/react";
import { bridgeLabel } from "@/server/contract/display";
import { OWNER_TONES } from "../ui/owner-tones";
import { portCaption, type TopoNode } from "./topology-model";

/** isChanged: flashes after a refresh; anomalyCount and isInDiff: marks for the anomalies and the "changes since" view. */
export type TopoNodeData = {
  node: TopoNode;
  isSelected: boolean;
  isFocus: boolean;
  isChanged: boolean;
  anomalyCount: number;
  isInDiff: boolean;
  /** On the path of the trace the page shows. */
  isOnPath: boolean;
};

const ON_PATH = "shadow-[0_0_0_4px_rgba(5,150,105,0.55)]";

/** A namespace: a titled box with one row (and one handle on each side) per interface. */
export function NetnsNode({ data }: NodeProps & { data: TopoNodeData }) {
  const n = data.node;
  const border = n.kind === "host" ? "border-slate-500" : n.ownerKind === undefined ? "border-slate-400" : OWNER_TONES[n.ownerKind].border;
  return (
    <div
      className={`w-[240px] rounded-md border-2 bg-white text-left text-xs ${data.isOnPath ? ON_PATH : "shadow-sm"} dark:bg-slate-900 ${border} ${data.isSelected ? "ring-4 ring-amber-400" : ""} ${data.isFocus ? "outline-2 outline-sky-400 outline-dashed" : ""} ${n.kind === "host" ? "bg-slate-100 dark:bg-slate-800" : ""} ${data.isChanged ? "changed-flash" : ""}`}
      data-topo-node={n.id}
      data-on-path={data.isOnPath ? "true" : undefined}
      data-changed={data.isChanged ? "true" : undefined}
      data-topo-kind={n.kind}
    >
      <div className="flex items-center gap-1 border-b border-slate-200 px-2 py-1.5 text-[13px] font-semibold dark:border-slate-700" title={n.label}>
        <span className="truncate">{n.label}</span>
        {data.anomalyCount > 0 && (
          <span
            className="ml-auto shrink-0 rounded bg-rose-100 px-1 text-[11px] text-rose-900 dark:bg-rose-900/60 dark:text-rose-100"
            data-testid="node-anomalies"
          >
            ⚠ {data.anomalyCount}
          </span>
        )}
        {data.isInDiff && (
          <span
            className="shrink-0 rounded bg-sky-100 px-1 text-[11px] text-sky-900 dark:bg-sky-900/60 dark:text-sky-100"
            data-testid="node-in-diff"
            title="changed in the compared period"
          >
            Δ
          </span>
        )}
      </div>
      <ul>
        {n.ports.map((p) => (
          <li key={p.id} className="relative flex h-[22px] items-center gap-2 px-2" title={`${p.name} (${p.kind}) ${p.addresses.join(" ")}`}>
            <Handle type="target" position={Position.Left} id={p.id} className="!h-2 !w-2 !border-0 !bg-slate-400" />
            <span className={`font-medium ${p.isPeerMissing ? "text-rose-700 dark:text-rose-300" : ""}`}>{p.name}</span>
            <span className="truncate text-slate-600 dark:text-slate-400">{portCaption(p)}</span>
            <Handle type="source" position={Position.Right} id={p.id} className="!h-2 !w-2 !border-0 !bg-slate-400" />
          </li>
        ))}
        {n.ports.length === 0 && <li className="px-2 py-1 text-slate-600 dark:text-slate-400">no interfaces shown</li>}
      </ul>
      <Handle type="target" position={Position.Left} id="node" className="!opacity-0" />
      <Handle type="source" position={Position.Right} id="node" className="!opacity-0" />
    </div>
  );
}

/** A bridge: a hub every port's wire runs to. */
export function BridgeNode({ data }: NodeProps & { data: TopoNodeData }) {
  return (
    <div
      className={`flex h-[44px] w-[150px] items-center justify-center rounded-full border-2 border-sky-600 bg-sky-50 text-xs font-semibold text-sky-950 dark:bg-sky-950 dark:text-sky-100 ${data.isSelected ? "ring-4 ring-amber-400" : ""} ${data.isOnPath ? ON_PATH : ""}`}
      data-topo-node={data.node.id}
      data-on-path={data.isOnPath ? "true" : undefined}
      data-topo-kind="bridge"
      title={bridgeLabel(data.node.label)}
    >
      <Handle type="target" position={Position.Left} id="node" className="!opacity-0" />
      {bridgeLabel(data.node.label)}
      <Handle type="source" position={Position.Right} id="node" className="!opacity-0" />
    </div>
  );
}

export type GroupNodeData = { label: string };

/** The labelled background of one Kubernetes namespace's pods (drawn behind them). */
export function K8sGroupNode({ data }: NodeProps & { data: GroupNodeData }) {
  return (
    <div
      className="h-full w-full rounded-lg border-2 border-dashed border-sky-400 bg-sky-50/40 dark:border-sky-700 dark:bg-sky-950/30"
      data-topo-group={data.label}
    >
      <div className="px-2 py-1 text-xs font-semibold text-sky-900 dark:text-sky-200">k8s namespace {data.label}</div>
    </div>
  );
}
