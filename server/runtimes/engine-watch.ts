import { makeRuntimeStatus, type RuntimeStatus } from "../contract/runtime-status";
import { logger } from "../log/logger";
import { fixedEngines, type EngineReading, type EngineSource } from "./collect-workloads";
import type { RuntimeAdapter } from "./runtime";

export type EngineState = EngineReading;

/**
 * What the engines say, refreshed on every snapshot but waited for only when it can matter. Every
 * container or pod that comes or goes brings or takes a namespace with it, so while the set of
 * namespaces is unchanged the previous answer still places every owner: the snapshot uses it and
 * the fresh one lands for the next. When the set changed (or there is no previous answer), the
 * snapshot waits for the fresh answer. On a steady set the engines are asked at most every
 * `refreshMs` (0: every snapshot). Owners that change without a namespace changing (a container
 * joining another's namespace) and engine statuses can thus lag by up to `refreshMs`.
 */
export class EngineWatch {
  private latest: { state: EngineState; netnsKey: string; at: number } | undefined;
  /** Endpoints that answered at some point: one that then vanishes is down, not "not installed". */
  private readonly answeredBefore = new Map<string, string>();
  /** Endpoints whose stop was logged (once per stop). */
  private readonly reportedStopped = new Set<string>();
  private inFlight: Promise<EngineState> | undefined;
  private settled: EngineState | undefined;

  private readonly engines: EngineSource;

  /** `engines`: a fixed list of adapters, or a source that finds them on every refresh (EngineLocator). */
  constructor(
    engines: RuntimeAdapter[] | EngineSource,
    private readonly deadlineMs: number,
    private readonly refreshMs = 0,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.engines = Array.isArray(engines) ? fixedEngines(engines) : engines;
  }

  /** Starts asking the engines unless an answer is fresh enough or one is on its way. Call it early. */
  refresh(): void {
    if (this.inFlight !== undefined) return;
    if (this.latest !== undefined && this.now() - this.latest.at < this.refreshMs) return;
    this.settled = undefined;
    const flight = this.collect();
    this.inFlight = flight;
    void flight.then((state) => {
      this.settled = state;
      this.inFlight = undefined;
    });
  }

  /** The engine state for a snapshot whose namespace set is `netnsKey` (see the class comment). */
  async stateFor(netnsKey: string): Promise<EngineState> {
    const fresh = this.settled;
    if (fresh !== undefined) {
      this.settled = undefined;
      return this.remember(fresh, netnsKey);
    }
    const latest = this.latest;
    if (latest !== undefined && latest.netnsKey === netnsKey) {
      // Same namespaces as last time: that answer still places every owner; a fresh one, if on its
      // way, is kept for the next snapshot.
      void this.inFlight?.then((state) => this.remember(state, netnsKey));
      return latest.state;
    }
    return this.remember(await (this.inFlight ?? this.collect()), netnsKey);
  }

  private collect(): Promise<EngineState> {
    return this.engines.collect(this.deadlineMs, (endpoint) => this.answeredBefore.has(endpoint)).then((state) => this.markStopped(state));
  }

  /**
   * A stopped engine removes its socket, which reads like an engine never installed. One that
   * answered earlier in this agent's life is reported as down instead, so the dashboard raises it.
   */
  private markStopped(state: EngineState): EngineState {
    const runtimes = state.runtimes.map((r): RuntimeStatus => {
      if (r.state === "ok") {
        this.answeredBefore.set(r.endpoint, new Date().toISOString());
        this.reportedStopped.delete(r.endpoint);
        return r;
      }
      const lastOkAt = this.answeredBefore.get(r.endpoint);
      if (r.state !== "absent" || lastOkAt === undefined) return r;
      if (!this.reportedStopped.has(r.endpoint)) {
        this.reportedStopped.add(r.endpoint);
        logger().warn({ engine: r.name, endpoint: r.endpoint, state: "stopped", detail: r.detail, lastOkAt }, "container engine stopped");
      }
      return makeRuntimeStatus({
        name: r.name,
        endpoint: r.endpoint,
        state: "stopped",
        latencyMs: r.latencyMs,
        lastOkAt,
        ...(r.detail === undefined ? {} : { detail: r.detail }),
        ...(r.source === undefined ? {} : { source: r.source }),
        ...(r.candidates === undefined
          ? {}
          : { candidates: r.candidates.map((c) => (c.endpoint === r.endpoint || c.sameAs === r.endpoint ? { ...c, state: "stopped" as const } : c)) }),
      });
    });
    return { ...state, runtimes };
  }

  close(): void {
    this.engines.close();
  }

  private remember(state: EngineState, netnsKey: string): EngineState {
    // A state is as old as when it was asked for; stateFor may re-remember an older one for a new key.
    if (this.latest?.state !== state) this.latest = { state, netnsKey, at: this.now() };
    else this.latest.netnsKey = netnsKey;
    return state;
  }
}
