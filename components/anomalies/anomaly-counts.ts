import type { Anomaly } from "@/server/contract/anomaly";

/** How many anomalies name each namespace (an anomaly naming one twice counts once there). */
export function anomalyCountByNetns(anomalies: Anomaly[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of anomalies) for (const id of new Set(a.places.map((p) => p.netnsId))) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
