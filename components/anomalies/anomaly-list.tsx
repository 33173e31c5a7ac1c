import Link from "next/link";
import type { Anomaly } from "@/server/contract/anomaly";
import { ANOMALY_KIND_LABELS, netnsIdLabel, sortAnomalies } from "@/server/contract/display";
import { Badge } from "../ui/badge";
import { useHrefs } from "../url/at-scope";

function AnomalyBadge({ anomaly }: { anomaly: Anomaly }) {
  return <Badge tone={anomaly.severity === "critical" ? "bad" : "warn"}>⚠ {ANOMALY_KIND_LABELS[anomaly.kind]}</Badge>;
}

/** What looks wrong, each with its explanation and links to the places: pure. */
export function AnomalyList({ anomalies, title = "Anomalies" }: { anomalies: Anomaly[]; title?: string }) {
  const hrefs = useHrefs();
  if (anomalies.length === 0) return null;
  const sorted = sortAnomalies(anomalies);
  return (
    <section className="rounded-lg border border-rose-200 bg-white p-4 dark:border-rose-900 dark:bg-slate-900" data-testid="anomalies" aria-label={title}>
      <h2 className="mb-2 text-base font-semibold">
        {title} <span className="text-sm font-normal text-slate-600 dark:text-slate-400">({anomalies.length})</span>
      </h2>
      <ul className="space-y-2 text-sm">
        {sorted.map((a, i) => (
          <li key={`${a.kind}-${i}`} className="flex flex-wrap items-baseline gap-2" data-anomaly={a.kind}>
            <AnomalyBadge anomaly={a} />
            <span className="min-w-0 flex-1 break-words">{a.message}</span>
            <span className="flex gap-2 text-xs">
              {a.places.map((p, k) => (
                <Link prefetch={false} key={k} href={hrefs.netns(p.netnsId, p.ifindex)} className="text-sky-700 underline dark:text-sky-400">
                  {p.ifaceName ?? netnsIdLabel(p.netnsId)}
                </Link>
              ))}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
