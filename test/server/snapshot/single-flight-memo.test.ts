import { describe, expect, it } from "vitest";
import { SingleFlightMemo } from "../../../server/snapshot/single-flight-memo";

function controllable() {
  let now = 0;
  const releases: Array<(v: number) => void> = [];
  let calls = 0;
  const memo = new SingleFlightMemo(
    () =>
      new Promise<number>((resolve) => {
        calls++;
        releases.push(resolve);
      }),
    1000,
    () => now,
  );
  return { memo, release: (v: number) => releases.shift()?.(v), advance: (ms: number) => (now += ms), calls: () => calls };
}

describe("SingleFlightMemo", () => {
  it("shares one production among concurrent callers", async () => {
    const c = controllable();
    const all = Promise.all([c.memo.get(), c.memo.get(), c.memo.get()]);
    c.release(7);
    expect(await all).toEqual([7, 7, 7]);
    expect(c.calls()).toBe(1);
  });

  it("serves the value until the TTL passes, then produces again", async () => {
    const c = controllable();
    const first = c.memo.get();
    c.release(1);
    await first;
    c.advance(999);
    expect(await c.memo.get()).toBe(1);
    c.advance(1);
    const second = c.memo.get();
    c.release(2);
    expect(await second).toBe(2);
    expect(c.memo.productions).toBe(2);
  });

  it("lets a caller accept a value older than the TTL, up to its own maxAgeMs", async () => {
    const c = controllable();
    const first = c.memo.get();
    c.release(1);
    await first;
    c.advance(5000);
    expect(await c.memo.get({ maxAgeMs: 10_000 })).toBe(1);
    expect(c.calls()).toBe(1);
    const plain = c.memo.get();
    c.release(2);
    expect(await plain).toBe(2);
  });

  it("does not remember a failure", async () => {
    let fail = true;
    const memo = new SingleFlightMemo(async () => {
      if (fail) throw new Error("boom");
      return 3;
    }, 1000);
    await expect(memo.get()).rejects.toThrow("boom");
    fail = false;
    await expect(memo.get()).resolves.toBe(3);
  });

  it("produces anew when asked for a fresh value", async () => {
    let n = 0;
    const memo = new SingleFlightMemo(async () => ++n, 60_000);
    expect(await memo.get()).toBe(1);
    expect(await memo.get({ fresh: true })).toBe(2);
  });
});
