import { describe, expect, it } from "vitest";
import { ScanSchedule } from "../../../server/agent/scan-schedule";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ScanSchedule", () => {
  it("does nothing until started, then settles a burst of wakes into one scan", async () => {
    let scans = 0;
    const schedule = new ScanSchedule(async () => void scans++, 60_000, 20);
    schedule.wake();
    await sleep(50);
    expect(scans).toBe(0);
    schedule.start();
    for (let i = 0; i < 10; i++) schedule.wake();
    await sleep(60);
    expect(scans).toBe(1);
    schedule.stop();
  });

  it("never runs two scans at once: a wake during a scan runs one more after it", async () => {
    let running = 0;
    let most = 0;
    let scans = 0;
    const schedule = new ScanSchedule(
      async () => {
        running++;
        most = Math.max(most, running);
        await sleep(40);
        running--;
        scans++;
      },
      60_000,
      5,
    );
    schedule.start();
    schedule.wake();
    await sleep(15);
    schedule.wake();
    schedule.wake();
    await sleep(150);
    expect(scans).toBe(2);
    expect(most).toBe(1);
    schedule.stop();
  });

  it("scans every interval while on, and goes on after a failed scan", async () => {
    let scans = 0;
    const schedule = new ScanSchedule(
      async () => {
        scans++;
        throw new Error("the node could not be read");
      },
      30,
      1,
    );
    schedule.start();
    // Waits for the second scan rather than a fixed time: timers run late on a loaded machine.
    for (let i = 0; i < 250 && scans < 2; i++) await sleep(20);
    schedule.stop();
    const after = scans;
    expect(after).toBeGreaterThanOrEqual(2);
    await sleep(80);
    expect(scans).toBe(after);
  });
});
