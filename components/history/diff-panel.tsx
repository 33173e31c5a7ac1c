import Link from "next/link";
import type { Change, Diff } from "@/server/contract/diff";
import { formatBytes } from "../netns/format-bytes";
import { useHrefs } from "../url/at-scope";

const TONE: Partial<Record<Change["kind"], string>> = {
  "netns-appeared": "text-emerald-700 dark:text-emerald-300",
  "iface-added": "text-emerald-700 dark:text-emerald-300",
  "address-added": "text-emerald-700 dark:text-emerald-300",
  "route-added": "text-emerald-700 dark:text-emerald-300",
  "listener-opened": "text-emerald-700 dark:text-emerald-300",
  "owner-added": "text-emerald-700 dark:text-emerald-300",
  "netns-vanished": "text-rose-700 dark:text-rose-300",
  "iface-removed": "text-rose-700 dark:text-rose-300",
  "address-removed": "text-rose-700 dark:text-rose-300",
  "route-removed": "text-rose-700 dark:text-rose-300",
  "listener-closed": "text-rose-700 dark:text-rose-300",
  "owner-removed": "text-rose-700 dark:text-rose-300",
};

const SIGN: Partial<Record<Change["kind"], string>> = {
  "netns-appeared": "+",
  "iface-added": "+",
  "address-added": "+",
  "route-added": "+",
  "listener-opened": "+",
  "owner-added": "+",
};

function groupByNetns(changes: Change[]): { netnsId: string; label: string; changes: Change[] }[] {
  const groups = new Map<string, { netnsId: string; label: string; changes: Change[] }>();
  for (const c of changes) {
    const g = groups.get(c.netnsId) ?? { netnsId: c.netnsId, label: c.netnsLabel, changes: [] };
    g.changes.push(c);
    groups.set(c.netnsId, g);
  }
  return [...groups.values()];
}

const when = (end: Diff["from"]) => (end.isLive ? "now" : new Date(end.takenAt).toLocaleString());

/** What changed between two snapshots, grouped by namespace, with losing counters first: pure. */
export function DiffPanel({ diff, netnsId }: { diff: Diff; netnsId?: string }) {
  const hrefs = useHrefs();
  const changes = netnsId === undefined ? diff.changes : diff.changes.filter((c) => c.netnsId === netnsId);
  const counters = (netnsId === undefined ? diff.counters : diff.counters.filter((c) => c.netnsId === netnsId)).filter(
    (c) => c.isLosing || netnsId !== undefined,
  );
  return (
    <section
      className="space-y-3 rounded-lg border border-sky-200 bg-white p-4 text-sm dark:border-sky-900 dark:bg-slate-900"
      data-testid="diff-panel"
      aria-label="Changes"
    >
      <h2 className="text-base font-semibold">
        Changes from {when(diff.from)} to {when(diff.to)}{" "}
        <span className="font-normal text-slate-600 dark:text-slate-400">
          ({changes.length} change{changes.length === 1 ? "" : "s"} over {Math.round(diff.elapsedMs / 1000)} s
          {diff.hasListeners ? "" : "; listeners not compared"})
        </span>
      </h2>
      {changes.length === 0 && (
        <p className="text-slate-600 dark:text-slate-400">Nothing changed in the network{netnsId === undefined ? "" : " of this namespace"}.</p>
      )}
      {groupByNetns(changes).map((g) => (
        <div key={g.netnsId}>
          <Link prefetch={false} href={hrefs.netns(g.netnsId)} className="font-medium text-sky-700 underline dark:text-sky-400">
            {g.label}
          </Link>
          <ul className="ml-4 list-none font-mono text-xs">
            {g.changes.map((c, i) => (
              <li key={i} data-change={c.kind} className={TONE[c.kind] ?? ""}>
                {SIGN[c.kind] ?? (TONE[c.kind] ? "−" : "~")} {c.text}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {counters.length > 0 && (
        <div>
          <h3 className="font-medium">Counters {netnsId === undefined ? "losing packets" : "over the period"}</h3>
          <table className="mt-1 text-xs">
            <thead>
              <tr className="text-left text-slate-600 dark:text-slate-400">
                <th className="pr-3">interface</th>
                <th className="pr-3">rx</th>
                <th className="pr-3">tx</th>
                <th className="pr-3">drops (rx/tx)</th>
                <th className="pr-3">errors (rx/tx)</th>
              </tr>
            </thead>
            <tbody className="font-mono">
              {counters.map((c) => (
                <tr
                  key={`${c.netnsId}/${c.ifindex}`}
                  data-losing={c.isLosing ? "true" : undefined}
                  className={c.isLosing ? "text-rose-700 dark:text-rose-300" : ""}
                >
                  <td className="pr-3">
                    {c.ifaceName} <span className="text-slate-500">in {c.netnsLabel}</span>
                  </td>
                  <td className="pr-3">
                    {formatBytes(c.delta.rxBytes)} ({formatBytes(c.perSecond.rxBytes)}/s)
                  </td>
                  <td className="pr-3">
                    {formatBytes(c.delta.txBytes)} ({formatBytes(c.perSecond.txBytes)}/s)
                  </td>
                  <td className="pr-3">
                    +{c.delta.rxDropped}/+{c.delta.txDropped}
                  </td>
                  <td className="pr-3">
                    +{c.delta.rxErrors}/+{c.delta.txErrors}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
