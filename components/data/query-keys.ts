/** Every react-query key in one factory, so invalidation and tests agree on them. */
export const queryKeys = {
  health: () => ["health"] as const,
  // `at`: a stored snapshot's id, "live" for the node now.
  snapshot: (at?: string) => ["snapshot", at ?? "live"] as const,
  netns: (id: string, at?: string) => ["netns", id, at ?? "live"] as const,
  pod: (namespace: string, name: string, at?: string) => ["pod", namespace, name, at ?? "live"] as const,
  container: (nameOrId: string, at?: string) => ["container", nameOrId, at ?? "live"] as const,
  history: () => ["history"] as const,
  exposures: () => ["exposures"] as const,
  diff: (from: string, to?: string) => ["diff", from, to ?? "live"] as const,
  clusterNodes: () => ["cluster", "nodes"] as const,
  clusterSearch: (q: string) => ["cluster", "search", q] as const,
  clusterTopology: () => ["cluster", "topology"] as const,
  clusterSnapshots: () => ["cluster", "snapshots"] as const,
  clusterSnapshot: (id: string) => ["cluster", "snapshots", id] as const,
};
