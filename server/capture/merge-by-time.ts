/**
 * Interleaves the packets of several captures in timestamp order, although each tcpdump's stream
 * arrives on its own pipe at its own pace. Each stream is in order by itself, so the earliest packet
 * held can go out as soon as every stream still running has something held (nothing earlier can
 * come from any of them), or once it has waited `windowMs` (a quiet stream must not stall the rest).
 *
 * The bound: the file is in timestamp order unless a packet reaches this process more than
 * `windowMs` after a later-stamped packet of another stream did. Such a packet goes out at once, out
 * of order, and is counted in `late`. A single stream goes out as it comes.
 */

export interface Timed {
  timestampNs: bigint;
}

interface Held<T> {
  item: T;
  arrivedAtMs: number;
}

export class TimeMerger<T extends Timed> {
  private readonly queues: Held<T>[][];
  private readonly ended: boolean[];
  private lastOutNs: bigint | undefined;
  /** Packets that went out before an earlier-stamped one already written. */
  late = 0;

  constructor(
    sourceCount: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.queues = Array.from({ length: sourceCount }, () => []);
    this.ended = Array.from({ length: sourceCount }, () => false);
  }

  push(source: number, item: T): void {
    this.queues[source]?.push({ item, arrivedAtMs: this.now() });
  }

  /** The stream has ended: nothing more will come from it. */
  end(source: number): void {
    this.ended[source] = true;
  }

  get held(): number {
    return this.queues.reduce((n, q) => n + q.length, 0);
  }

  /** The packets that may go out now, in order, each with its source. */
  take(): Array<{ source: number; item: T }> {
    return this.release(false);
  }

  /** Everything held, in order (at the end of a capture). */
  flush(): Array<{ source: number; item: T }> {
    return this.release(true);
  }

  /** Milliseconds until the oldest held packet's window has passed (undefined when nothing is held). */
  nextDueInMs(): number | undefined {
    let oldest: number | undefined;
    for (const q of this.queues) {
      const first = q[0];
      if (first !== undefined) oldest = oldest === undefined ? first.arrivedAtMs : Math.min(oldest, first.arrivedAtMs);
    }
    return oldest === undefined ? undefined : Math.max(0, oldest + this.windowMs - this.now());
  }

  private release(all: boolean): Array<{ source: number; item: T }> {
    const out: Array<{ source: number; item: T }> = [];
    for (;;) {
      let source = -1;
      let head: Held<T> | undefined;
      let everyLiveHasOne = true;
      for (let i = 0; i < this.queues.length; i++) {
        const first = this.queues[i]?.[0];
        if (first === undefined) {
          if (!this.ended[i]) everyLiveHasOne = false;
          continue;
        }
        if (head === undefined || first.item.timestampNs < head.item.timestampNs) {
          head = first;
          source = i;
        }
      }
      if (head === undefined) return out;
      if (!all && !everyLiveHasOne && this.now() - head.arrivedAtMs < this.windowMs) return out;
      this.queues[source]?.shift();
      if (this.lastOutNs !== undefined && head.item.timestampNs < this.lastOutNs) this.late += 1;
      else this.lastOutNs = head.item.timestampNs;
      out.push({ source, item: head.item });
    }
  }
}
