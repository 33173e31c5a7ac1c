/**
 * Whether this tab follows the node's event stream (GET /api/v1/events). A tiny external store: the
 * queries' refetchInterval reads it (no polling while changes are pushed) and the live controls show it.
 */
let isStreaming = false;
const listeners = new Set<() => void>();

export const changeStreamState = {
  isStreaming: () => isStreaming,
  set(value: boolean): void {
    if (value === isStreaming) return;
    isStreaming = value;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** Marks queries that a change event should refresh (live and not paused). */
export const FOLLOWS_CHANGES = "followsChanges";
