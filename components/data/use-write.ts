"use client";

import { useState } from "react";

/**
 * One write at a time from a view (freeze, import, expose): which one is running, and the server's
 * words when it failed. `run` resolves to the write's result, or undefined when it failed.
 */
export function useWrite(): { busy: string | undefined; error: string | undefined; run: <T>(what: string, work: () => Promise<T>) => Promise<T | undefined> } {
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const run = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(what);
    setError(undefined);
    try {
      return await work();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return undefined;
    } finally {
      setBusy(undefined);
    }
  };
  return { busy, error, run };
}
