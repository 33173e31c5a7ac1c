import type { SnapshotOverview } from "@/server/contract/snapshot";
import { EngineAlert } from "../health/engine-alert";
import { EngineStatusBadge, isEngineDown } from "../health/engine-status-badge";
import type { NodeCounts } from "./overview-model";

/** Node name, counts and every engine's status, with a banner for one that fails: pure. */
export function OverviewHeader({ snapshot, counts }: { snapshot: SnapshotOverview; counts: NodeCounts }) {
  const broken = snapshot.runtimes.filter((r) => isEngineDown(r.state));
  const answering = snapshot.runtimes.filter((r) => r.state === "ok");
  return (
    <section aria-labelledby="node-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <h1 id="node-heading" className="text-2xl font-semibold">
          {snapshot.node.hostname}
        </h1>
        <span className="text-sm text-slate-500 dark:text-slate-400">kernel {snapshot.node.kernel}</span>
      </div>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-5" data-testid="counts">
        {(
          [
            ["namespaces", counts.namespaces],
            ["pods", counts.pods],
            ["containers", counts.containers],
            ["veth pairs", counts.vethPairs],
            ["bridges", counts.bridges],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
            <dt className="text-xs uppercase text-slate-500 dark:text-slate-400">{label}</dt>
            <dd className="text-xl font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      <ul className="flex flex-wrap gap-3 text-sm" aria-label="Container engines">
        {snapshot.runtimes.map((r) => (
          <li
            key={r.endpoint}
            data-engine={r.name}
            data-status={r.status}
            data-state={r.state}
            className="flex items-center gap-1.5"
            title={r.state === "ok" ? `${r.endpoint}${r.version === undefined ? "" : ` (${r.version})`}` : r.message}
          >
            <span className="font-medium">{r.name}</span>
            <EngineStatusBadge state={r.state} />
          </li>
        ))}
      </ul>
      {broken.map((r) => (
        <div
          key={r.endpoint}
          role="alert"
          data-testid="engine-banner"
          className="rounded-lg border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200"
        >
          <EngineAlert runtime={r} consequence="Its namespaces are still listed below, owned by their processes." />
        </div>
      ))}
      {answering.length === 0 && broken.length === 0 && (
        <p className="rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900">
          No container engine found on this node; showing the namespaces found through <code>/proc</code> and mountinfo.
        </p>
      )}
    </section>
  );
}
