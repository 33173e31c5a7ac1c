import { sleep } from "../../lab/sh";

/** Polls `check` every 100 ms until it holds; returns how long that took, or throws naming `what` after `timeoutMs`. */
export async function within(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const t = Date.now();
  for (;;) {
    if (await check()) return Date.now() - t;
    if (Date.now() - t > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}
