/** Every react-query key in one factory, so invalidation and tests agree on them. */
export const queryKeys = {
  health: () => ["health"] as const,
};
