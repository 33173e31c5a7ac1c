import { describe, expect, it } from "vitest";
import { DeadlineError, withDeadline } from "../../../server/runtimes/deadline";

describe("withDeadline", () => {
  it("returns the work's result when it finishes first", async () => {
    await expect(withDeadline(1000, async () => 42)).resolves.toBe(42);
  });

  it("rejects with DeadlineError and aborts the signal when the work ignores it and never settles", async () => {
    let seen: AbortSignal | undefined;
    const hung = withDeadline(20, (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    });
    await expect(hung).rejects.toBeInstanceOf(DeadlineError);
    expect(seen?.aborted).toBe(true);
  });

  it("rejects with DeadlineError when the work fails the moment it is aborted", async () => {
    const cancelled = withDeadline(20, (signal) => new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error("cancelled")))));
    await expect(cancelled).rejects.toBeInstanceOf(DeadlineError);
  });

  it("passes the work's own failure through", async () => {
    await expect(withDeadline(1000, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });
});
