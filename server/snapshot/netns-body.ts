import type { Netns } from "../contract/snapshot";

/**
 * A namespace without what changes all the time (counters, the processes holding it): what it *is*.
 * Two readings with equal bodies mean the network there did not change (the history stores bodies once;
 * the event stream reports a namespace as changed when its body does).
 */
export function netnsBody(n: Netns): Omit<Netns, "refs" | "processCount"> {
  const { refs: _refs, processCount: _count, ...rest } = n;
  return { ...rest, interfaces: rest.interfaces.map(withoutStats) };
}

// Module-level (not a closure made per call) so that V8 keeps its optimised code from one scan to the next.
const withoutStats = ({ stats: _stats, ...i }: Netns["interfaces"][number]) => i;
