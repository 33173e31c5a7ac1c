import type { Health } from "@/server/contract/health";
import { ENGINE_STATE_LABELS, SOCKET_SOURCE_LABELS } from "@/server/contract/runtime-status";
import { EngineAlert, EngineReason } from "./engine-alert";
import { EngineStatusBadge, isEngineDown } from "./engine-status-badge";
import { formatDuration } from "./format-duration";

/** The agent's health: pure, fed by props. */
export function HealthPanel({ health }: { health: Health }) {
  const answering = health.runtimes.filter((r) => r.state === "ok");
  const broken = health.runtimes.filter((r) => isEngineDown(r.state));
  return (
    <div className="space-y-6">
      <section aria-labelledby="node-heading" className="rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
        <h1 id="node-heading" className="text-xl font-semibold">
          {health.node.hostname}
        </h1>
        <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
          <Fact label="Kernel" value={health.node.kernel} />
          <Fact label="nsatlas" value={`v${health.version}`} />
          <Fact label="Agent up for" value={formatDuration(health.uptimeMs)} />
          <Fact label="Engines answering" value={`${answering.length} of ${health.runtimes.length}`} />
          <Fact label="Snapshots taken" value={String(health.agent.scans)} />
          <Fact label="Memory (RSS)" value={`${Math.round(health.agent.rssBytes / 1024 / 1024)} MiB`} />
          <Fact label="Open descriptors" value={String(health.agent.openFds)} />
          <Fact label="Change watch" value={changeWatchText(health.agent.changeWatch)} />
        </dl>
      </section>

      {health.agent.missingCapabilities.length > 0 && (
        <div
          role="alert"
          data-testid="missing-capabilities"
          className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          <p className="font-semibold">This agent runs without some of the capabilities it needs:</p>
          <ul className="mt-1 list-disc pl-5">
            {health.agent.missingCapabilities.map((c) => (
              <li key={c.name}>
                <code>{c.name}</code>: {c.degrades}.
              </li>
            ))}
          </ul>
        </div>
      )}

      {broken.length > 0 && (
        <div
          role="alert"
          className="space-y-3 rounded-lg border border-rose-300 bg-rose-50 p-4 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200"
        >
          {broken.map((r) => (
            <EngineAlert key={r.endpoint} runtime={r} consequence="Its namespaces are still listed, owned by their processes." />
          ))}
        </div>
      )}
      {answering.length === 0 && broken.length === 0 && (
        <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
          No container engine found on this node; nsatlas shows the namespaces it finds through <code>/proc</code> and mountinfo.
        </p>
      )}

      <section aria-labelledby="engines-heading" className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <h2 id="engines-heading" className="px-5 pt-4 text-base font-semibold">
          Container engines
        </h2>
        <table className="mt-2 w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-5 py-2">
                Engine
              </th>
              <th scope="col" className="px-5 py-2">
                Socket
              </th>
              <th scope="col" className="px-5 py-2">
                Status
              </th>
              <th scope="col" className="px-5 py-2">
                Version, or what happened and what to do
              </th>
              <th scope="col" className="px-5 py-2 text-right">
                Latency
              </th>
            </tr>
          </thead>
          <tbody>
            {health.runtimes.map((r) => (
              <tr key={r.endpoint} data-engine={r.name} data-status={r.status} data-state={r.state} className="border-t border-slate-100 dark:border-slate-800">
                <td className="whitespace-nowrap px-5 py-2 font-medium">{r.name}</td>
                <td className="px-5 py-2 font-mono text-xs break-all">
                  {r.endpoint}
                  <SocketOrigin runtime={r} />
                </td>
                <td className="px-5 py-2">
                  <EngineStatusBadge state={r.state} />
                </td>
                <td className="px-5 py-2 text-xs break-words">
                  <EngineReason runtime={r} />
                </td>
                <td className="px-5 py-2 text-right tabular-nums">{r.latencyMs.toFixed(1)} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

/** Where the socket path came from and, for a discovered engine, the other paths tried and how each answered. */
function SocketOrigin({ runtime }: { runtime: Health["runtimes"][number] }) {
  if (runtime.source === undefined) return null;
  const others = (runtime.candidates ?? []).filter((c) => c.endpoint !== runtime.endpoint);
  return (
    <span className="mt-1 block font-sans text-slate-500 dark:text-slate-400" data-testid="socket-origin">
      {SOCKET_SOURCE_LABELS[runtime.source]}
      {others.length > 0 &&
        `; also tried: ${others.map((c) => `${c.endpoint} (${c.sameAs === undefined ? ENGINE_STATE_LABELS[c.state] : "same socket"})`).join(", ")}`}
    </span>
  );
}

/** "on: 3 read in full, 265 counters only" / "off: <why> (every scan reads every namespace in full)". */
function changeWatchText(watch: Health["agent"]["changeWatch"]): string {
  if (!watch.isOn) return `off: ${watch.reason ?? "unknown"} (every scan reads every namespace in full)`;
  if (watch.lastScan === undefined) return "on";
  return `on: last scan read ${watch.lastScan.readInFull} in full, ${watch.lastScan.countersOnly} counters only`;
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="font-medium break-words">{value}</dd>
    </div>
  );
}
