/** Every react-query key in one factory, so invalidation and tests agree on them. */
export const queryKeys = {
  health: () => ["health"] as const,
  snapshot: () => ["snapshot"] as const,
  netns: (id: string) => ["netns", id] as const,
  pod: (namespace: string, name: string) => ["pod", namespace, name] as const,
  container: (nameOrId: string) => ["container", nameOrId] as const,
};
