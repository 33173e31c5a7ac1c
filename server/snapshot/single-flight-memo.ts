/**
 * Serves one value for `ttlMs` after it was produced, and shares one in-flight production among
 * all callers that arrive while it runs (the concurrent requests of a busy dashboard cost one scan).
 * A failed production is not remembered: the next caller tries again.
 */
export class SingleFlightMemo<T> {
  private value: { at: number; value: T } | undefined;
  private inFlight: Promise<T> | undefined;
  /** How many times `produce` actually ran (for tests and load reports). */
  productions = 0;

  constructor(
    private readonly produce: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** `maxAgeMs` lets a caller that can live with an older value (a schedule) accept one past the TTL. */
  get(options: { fresh?: boolean; maxAgeMs?: number } = {}): Promise<T> {
    const maxAge = Math.max(this.ttlMs, options.maxAgeMs ?? 0);
    if (!options.fresh && this.value !== undefined && this.now() - this.value.at < maxAge) return Promise.resolve(this.value.value);
    if (this.inFlight !== undefined) return this.inFlight;
    this.productions++;
    const flight = this.produce()
      .then((value) => {
        this.value = { at: this.now(), value };
        return value;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    this.inFlight = flight;
    return flight;
  }
}
