import { setMaxListeners } from "node:events";

/** Thrown when an engine call runs past its deadline. */
export class DeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Runs `work` with an AbortSignal that fires after `ms`, and rejects with DeadlineError at that
 * moment even if `work` ignores the signal: a hung engine must never hold a caller.
 */
export async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  // One deadline may cover many requests (an inspect per container), each listening on the signal.
  setMaxListeners(0, controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Settled before the abort: work that fails as soon as it is aborted must not win the race with its own error.
      reject(new DeadlineError(ms));
      controller.abort(new DeadlineError(ms));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
