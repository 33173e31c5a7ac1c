/**
 * Follows one node agent: asks its health (the contract version), opens its event stream, reads its overview, and
 * from then on reads the overview again after every change or resync event (one read at a time; events that come
 * during a read make one more). A heartbeat or an event keeps the node up; a stream that ends or breaks, a failed
 * read or a minute of silence drops the session, and the follower connects again after a backoff (250 ms doubling to
 * 5 s, back to 250 ms after a session that reached up), resuming with Last-Event-ID. The state follows node-state.ts.
 */
import type { SnapshotOverview } from "../contract/snapshot";
import { changeEventSchema, resyncEventSchema } from "../contract/events";
import { AgentError, type EventStreamHandlers, type OpenEventStream } from "./agent-client";
import { initialStatus, isSilentTooLong, nextStatus, type NodeSignal, type NodeStatus } from "./node-state";
import { buildNodeIndex, type NodeIndex } from "./search-index";
import type { SseFrame } from "./sse-parser";

/** What the follower needs from an agent (AgentClient gives it; tests give a fake). */
export interface FollowedAgent {
  health(signal?: AbortSignal): Promise<{ version: string }>;
  overview(signal?: AbortSignal): Promise<SnapshotOverview>;
  openEvents(handlers: EventStreamHandlers): Promise<OpenEventStream>;
}

export interface FollowerOptions {
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** How often silence is checked. */
  tickMs?: number;
  staleAfterMs?: number;
  reconnectAfterSilenceMs?: number;
  /** The state, name or overview changed. */
  onUpdate?: () => void;
  /** A change or resync event arrived. */
  onEvent?: () => void;
}

const DEFAULTS = { backoffInitialMs: 250, backoffMaxMs: 5000, tickMs: 1000 };

function asFailure(err: unknown): AgentError {
  if (err instanceof AgentError) return err;
  // A class from another bundle (Next's) still carries its name and kind.
  if (err instanceof Error && err.name === "AgentError" && "kind" in err && typeof err.kind === "string") {
    const kind = err.kind === "unauthorized" || err.kind === "version-mismatch" || err.kind === "error" ? err.kind : "unreachable";
    return new AgentError(kind, err.message);
  }
  return new AgentError("error", err instanceof Error ? err.message : String(err));
}

export class NodeFollower {
  status: NodeStatus;
  version: string | undefined;
  overview: SnapshotOverview | undefined;
  index: NodeIndex | undefined;
  private isClosed = false;
  private session: AbortController | undefined;
  private sessionFailed: ((err: AgentError) => void) | undefined;
  private lastEventId: string | undefined;
  private wake: (() => void) | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly options: Required<Pick<FollowerOptions, "backoffInitialMs" | "backoffMaxMs" | "tickMs">> & FollowerOptions;

  constructor(
    /** The agent's base URL. */
    readonly address: string,
    /** The NSATLAS_AGENTS entry it came from. */
    readonly source: string,
    private readonly agent: FollowedAgent,
    options: FollowerOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.status = initialStatus(Date.now());
  }

  /** The node's name: from its overview once read, else `host:port` of its address. */
  get name(): string {
    return this.overview?.node.name ?? this.address.replace(/^https?:\/\//, "");
  }

  get isNameKnown(): boolean {
    return this.overview !== undefined;
  }

  start(): void {
    this.ticker = setInterval(() => this.tick(), this.options.tickMs);
    this.ticker.unref();
    void this.loop();
  }

  /** Stops following (the current session is cut). */
  close(): void {
    this.isClosed = true;
    clearInterval(this.ticker);
    this.session?.abort();
    this.wake?.();
  }

  /** Marks the node with a failure from outside (its address left the DNS answer) and stops following it. */
  retire(error: string): void {
    this.close();
    this.apply({ kind: "failed", failure: "unreachable", error });
  }

  private apply(signal: NodeSignal): void {
    const before = this.status;
    this.status = nextStatus(before, signal, Date.now(), this.options.staleAfterMs);
    if (this.status.state !== before.state || this.status.error !== before.error) this.options.onUpdate?.();
  }

  private tick(): void {
    this.apply({ kind: "tick" });
    if (isSilentTooLong(this.status, Date.now(), this.options.reconnectAfterSilenceMs)) {
      const seconds = Math.round((Date.now() - (this.status.lastSeen ?? Date.now())) / 1000);
      this.sessionFailed?.(new AgentError("unreachable", `the event stream was silent for ${seconds} s: reconnecting`));
    }
  }

  private async loop(): Promise<void> {
    let backoff = this.options.backoffInitialMs;
    while (!this.isClosed) {
      const session = new AbortController();
      this.session = session;
      let wasUp = false;
      try {
        wasUp = await this.follow(session.signal, () => (wasUp = true));
        if (!this.isClosed) this.apply({ kind: "failed", failure: "unreachable", error: "the agent ended its event stream (it stopped or restarted)" });
      } catch (err) {
        if (!this.isClosed) {
          const failure = asFailure(err);
          this.apply({ kind: "failed", failure: failure.kind, error: failure.message });
        }
      } finally {
        session.abort();
        this.sessionFailed = undefined;
      }
      if (wasUp) backoff = this.options.backoffInitialMs;
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, this.options.backoffMaxMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.isClosed) return resolve();
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** One session: resolves when the agent ends its stream cleanly (true if it got up), rejects on any failure. */
  private async follow(signal: AbortSignal, markUp: () => void): Promise<boolean> {
    const failed = new Promise<never>((_, reject) => {
      this.sessionFailed = reject;
    });
    // Nobody may be waiting on it yet when a failure comes: never an unhandled rejection.
    failed.catch(() => undefined);
    const fail = (err: unknown) => this.sessionFailed?.(asFailure(err));
    const refresher = this.refresher(signal, fail);
    const health = await Promise.race([this.agent.health(signal), failed]);
    this.version = health.version;
    const stream = await Promise.race([
      this.agent.openEvents({
        lastEventId: this.lastEventId,
        signal,
        onFrame: (frame) => this.onFrame(frame, refresher, fail),
        onComment: () => this.apply({ kind: "heard" }),
      }),
      failed,
    ]);
    stream.ended.catch(() => undefined);
    // Opened first, read second: a change between the two comes as an event and is read again.
    await Promise.race([refresher.now(), failed]);
    this.apply({ kind: "answered" });
    markUp();
    await Promise.race([stream.ended, failed]);
    this.lastEventId = stream.lastEventId();
    return true;
  }

  private onFrame(frame: SseFrame, refresher: { request(): void }, fail: (err: unknown) => void): void {
    if (frame.id !== undefined) this.lastEventId = frame.id;
    if (frame.event !== "change" && frame.event !== "resync") return this.apply({ kind: "heard" });
    const schema = frame.event === "change" ? changeEventSchema : resyncEventSchema;
    let parsed: ReturnType<typeof schema.safeParse>;
    try {
      parsed = schema.safeParse(JSON.parse(frame.data));
    } catch {
      return fail(new AgentError("error", `a ${frame.event} event is not JSON`));
    }
    if (!parsed.success) return fail(new AgentError("error", `a ${frame.event} event is not in the contract: ${parsed.error.issues[0]?.message ?? "?"}`));
    this.apply({ kind: "heard" });
    this.options.onEvent?.();
    refresher.request();
  }

  /** Reads the overview now, or once more after the read in flight; one read at a time. */
  private refresher(signal: AbortSignal, fail: (err: unknown) => void): { now(): Promise<void>; request(): void } {
    let running: Promise<void> | undefined;
    let isDirty = false;
    const read = async () => {
      const overview = await this.agent.overview(signal);
      if (signal.aborted) return;
      this.overview = overview;
      this.index = buildNodeIndex(overview.node.name, overview);
      this.options.onUpdate?.();
    };
    const run = (): Promise<void> => {
      if (running !== undefined) {
        isDirty = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            isDirty = false;
            await read();
          } while (isDirty && !signal.aborted);
        } finally {
          running = undefined;
        }
      })();
      return running;
    };
    return {
      now: run,
      request: () => {
        run().catch(fail);
      },
    };
  }
}
