import { RecurringFailure } from "../log/failures";

/**
 * When the agent reads the node on its own: at once (after a short settling delay) when the kernel
 * signals a change, and every `intervalMs` otherwise, but only while someone listens. Never two scans
 * at a time: a wake during a scan runs one more scan after it.
 */
export class ScanSchedule {
  private timer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private isWakePending = false;
  /** How long the last scan took: a node in constant churn is read at most half the time. */
  private lastScanMs = 0;
  /** Nobody awaits a scheduled scan: its failure is logged here, once while it repeats. */
  private readonly failure = new RecurringFailure("a scheduled scan");

  constructor(
    private readonly scan: () => Promise<unknown>,
    private readonly intervalMs: number,
    /** A burst of events (a container start brings several) settles into one scan. */
    private readonly settleMs = 100,
  ) {}

  /** Reads the node every intervalMs from now on (no-op when already on). */
  start(): void {
    if (this.periodic !== undefined) return;
    this.periodic = setInterval(() => this.wake(), this.intervalMs);
    this.periodic.unref();
  }

  stop(): void {
    clearInterval(this.periodic);
    clearTimeout(this.timer);
    this.periodic = undefined;
    this.timer = undefined;
  }

  get isOn(): boolean {
    return this.periodic !== undefined;
  }

  /** Something may have changed: scan soon (one scan for a burst of wakes). */
  wake(): void {
    if (this.periodic === undefined) return;
    if (this.running !== undefined) {
      this.isWakePending = true;
      return;
    }
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.run(), Math.max(this.settleMs, this.lastScanMs));
    this.timer.unref();
  }

  private run(): void {
    this.timer = undefined;
    const started = performance.now();
    this.running = this.scan()
      .then(
        () => this.failure.succeeded(),
        // A failed scan is also reported where snapshots are asked for; the schedule goes on.
        (err: unknown) => this.failure.failed(err),
      )
      .finally(() => {
        this.running = undefined;
        this.lastScanMs = performance.now() - started;
        if (this.isWakePending) {
          this.isWakePending = false;
          this.wake();
        }
      });
  }
}
