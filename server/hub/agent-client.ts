/**
 * The hub's HTTP client for one node agent (node:http/https, not fetch: Next patches the global fetch in its
 * bundles). Every call sends the bearer token, has a deadline and a byte limit, and every JSON answer is parsed with
 * the contract's zod schemas. What goes wrong is an AgentError whose `kind` is the node state it means
 * (server/contract/cluster.ts): `unreachable` (refused, reset, timed out, name not found), `unauthorized` (401/403),
 * `version-mismatch` (another contract major), `error` (not JSON, a refused shape, too large, an error status).
 */
import http from "node:http";
import https from "node:https";
import { StringDecoder } from "node:string_decoder";
import * as z from "zod";
import type { NodeState } from "../contract/cluster";
import { WRITE_HEADER } from "../contract/headers";
import { problemSchema } from "../contract/problem";
import { snapshotOverviewSchema, snapshotSchema, type Snapshot, type SnapshotOverview } from "../contract/snapshot";
import { NSATLAS_VERSION } from "../node-info";
import { SseParser, type SseFrame } from "./sse-parser";

export type FailureKind = Extract<NodeState, "unreachable" | "unauthorized" | "version-mismatch" | "error">;

/** A failed call to an agent; `kind` is the node state it means. Matched by name across bundles, like answer()'s errors. */
export class AgentError extends Error {
  override readonly name = "AgentError";
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** The deadline passed (a kind of `unreachable`). */
    readonly isTimeout = false,
  ) {
    super(message);
  }
}

/** The agent's contract version: the major of its nsatlas version (its /api/v1/healthz `version`). */
export function contractMajor(version: string): number | undefined {
  const major = /^v?(\d{1,6})\./.exec(version)?.[1];
  return major === undefined ? undefined : Number(major);
}

export const HUB_CONTRACT_MAJOR = contractMajor(NSATLAS_VERSION) ?? 0;

/** Deadlines and limits (docs/hub.md). */
export const LIMITS = {
  /** /api/v1/healthz: small. */
  healthMs: 2000,
  healthBytes: 1024 * 1024,
  /** The overview the hub keeps: an agent busy with its first scan of a big node may take a while. */
  overviewMs: 15_000,
  /** Details for a page (a namespace, a pod, a full snapshot), and the routes for the topology. */
  detailMs: 2000,
  /** Any snapshot or passthrough answer. */
  snapshotBytes: 64 * 1024 * 1024,
  /** Opening the event stream (until its headers). */
  eventsOpenMs: 5000,
} as const;

const healthVersionSchema = z.object({ version: z.string().max(100) });

export interface RequestOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  headers?: Record<string, string>;
  /** A JSON body: the request is then a POST (the one the agent takes: POST /api/v1/captures). */
  json?: string;
}

export interface EventStreamHandlers {
  /** Sent as Last-Event-ID, so the agent replays what the hub missed (or says resync). */
  lastEventId?: string | undefined;
  signal: AbortSignal;
  onFrame(frame: SseFrame): void;
  /** A comment line (the agent's heartbeat). */
  onComment(): void;
}

export interface OpenEventStream {
  /** Resolves when the agent ends the stream, rejects when it breaks (reset, garbage, an onFrame that threw). */
  ended: Promise<void>;
  /** The latest `id:` seen. */
  lastEventId(): string | undefined;
}

const SYSTEM_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "name not found",
  EAI_AGAIN: "name lookup failed",
  EPIPE: "connection closed",
  ETIMEDOUT: "timed out",
};

/** A socket or TLS error as an AgentError. */
export function connectionFailure(err: unknown): AgentError {
  if (err instanceof AgentError) return err;
  const code = typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (code !== undefined) return new AgentError("unreachable", `${SYSTEM_ERRORS[code] ?? message} (${code})`, code === "ETIMEDOUT");
  return new AgentError("unreachable", message);
}

/** Bounded text of an error answer: its problem title and detail when it is one, else its first 200 characters. */
function describeErrorBody(status: number, body: string): string {
  let text = body.slice(0, 200).replace(/\s+/g, " ").trim();
  try {
    const problem = problemSchema.safeParse(JSON.parse(body));
    if (problem.success) text = [problem.data.title, problem.data.detail].filter((t) => t !== undefined && t !== "").join(": ");
  } catch {
    // Not JSON: the raw text says enough.
  }
  return `HTTP ${status}${text === "" ? "" : ` ${text}`}`;
}

export class AgentClient {
  private readonly transport: typeof http | typeof https;
  private readonly pool: http.Agent;

  /** `baseUrl`: `http(s)://host:port`; `token`: the bearer sent with every request, if any. */
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {
    const isHttps = baseUrl.startsWith("https:");
    this.transport = isHttps ? https : http;
    // Kept-alive sockets for the overview and detail calls; the event stream holds one more.
    this.pool = isHttps ? new https.Agent({ keepAlive: true, maxSockets: 8 }) : new http.Agent({ keepAlive: true, maxSockets: 8 });
  }

  /**
   * GET `path` (with query), or POST `options.json`: resolves with the answer once its headers arrived within the deadline. The caller
   * reads or destroys it.
   */
  request(path: string, options: RequestOptions): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: "application/json", ...options.headers };
      if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
      if (options.json !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = String(Buffer.byteLength(options.json));
        // The hub is no browser: a write it passes on was checked at the hub (bearer or session and the same header). An agent
        // with a token takes the bearer; one without (on loopback) asks for the header a cross-site page cannot send.
        headers[WRITE_HEADER] = "1";
      }
      let req: http.ClientRequest;
      try {
        req = this.transport.request(new URL(path, this.baseUrl), { method: options.json === undefined ? "GET" : "POST", headers, agent: this.pool });
      } catch (err) {
        reject(connectionFailure(err));
        return;
      }
      const timer = setTimeout(() => req.destroy(new AgentError("unreachable", `no answer within ${options.timeoutMs} ms`, true)), options.timeoutMs);
      const onAbort = () => req.destroy(new AgentError("unreachable", "the request was cancelled"));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.signal?.aborted === true) onAbort();
      req.on("response", (res) => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        resolve(res);
      });
      req.on("error", (err) => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        reject(connectionFailure(err));
      });
      req.end(options.json);
    });
  }

  /** Reads a whole answer as text within the deadline and byte limit. */
  private readText(res: http.IncomingMessage, maxBytes: number, deadline: number, signal: AbortSignal | undefined): Promise<string> {
    return new Promise((resolve, reject) => {
      const declared = Number(res.headers["content-length"] ?? NaN);
      if (declared > maxBytes) {
        res.destroy();
        reject(new AgentError("error", `the answer is ${declared} bytes, more than the ${maxBytes} the hub reads`));
        return;
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      const fail = (err: AgentError) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        res.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new AgentError("unreachable", "the answer did not arrive in time", true)), Math.max(0, deadline - Date.now()));
      const onAbort = () => fail(new AgentError("unreachable", "the request was cancelled"));
      signal?.addEventListener("abort", onAbort, { once: true });
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) fail(new AgentError("error", `the answer is larger than the ${maxBytes} bytes the hub reads`));
        else chunks.push(chunk);
      });
      res.on("end", () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve(Buffer.concat(chunks).toString("utf8"));
      });
      res.on("error", (err) => fail(connectionFailure(err)));
    });
  }

  /** GET and parse JSON with `schema`; anything but a 200 with a body the schema accepts is an AgentError. */
  async getJson<T>(path: string, schema: z.ZodType<T>, options: RequestOptions & { maxBytes: number }): Promise<T> {
    const deadline = Date.now() + options.timeoutMs;
    const res = await this.request(path, options);
    const status = res.statusCode ?? 0;
    if (status === 401 || status === 403) {
      res.resume();
      throw new AgentError("unauthorized", `the agent refused the hub's token (HTTP ${status}): set NSATLAS_AGENT_TOKEN to the agents' NSATLAS_TOKEN`);
    }
    const text = await this.readText(res, status === 200 ? options.maxBytes : 64 * 1024, deadline, options.signal);
    if (status !== 200) throw new AgentError("error", `GET ${path}: ${describeErrorBody(status, text)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AgentError("error", `GET ${path}: the answer is not JSON (${JSON.stringify(text.slice(0, 60))}…)`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AgentError(
        "error",
        `GET ${path}: the answer is not in the contract (${issue === undefined ? "?" : `${issue.path.join(".")}: ${issue.message}`})`,
      );
    }
    return parsed.data;
  }

  /** The agent's version, checked against the hub's contract major. */
  async health(signal?: AbortSignal): Promise<{ version: string }> {
    const { version } = await this.getJson("/api/v1/healthz", healthVersionSchema, { timeoutMs: LIMITS.healthMs, maxBytes: LIMITS.healthBytes, signal });
    const major = contractMajor(version);
    if (major !== HUB_CONTRACT_MAJOR) {
      throw new AgentError("version-mismatch", `the agent runs nsatlas ${version}; this hub (${NSATLAS_VERSION}) speaks contract ${HUB_CONTRACT_MAJOR}.x`);
    }
    return { version };
  }

  overview(signal?: AbortSignal): Promise<SnapshotOverview> {
    return this.getJson("/api/v1/snapshot?view=overview", snapshotOverviewSchema, { timeoutMs: LIMITS.overviewMs, maxBytes: LIMITS.snapshotBytes, signal });
  }

  /** The full snapshot (routes, counters), or a stored one (`at`), for details on demand. */
  snapshot(at: string | undefined, signal?: AbortSignal, timeoutMs: number = LIMITS.detailMs, maxBytes: number = LIMITS.snapshotBytes): Promise<Snapshot> {
    const query = at === undefined ? "" : `?at=${encodeURIComponent(at)}`;
    return this.getJson(`/api/v1/snapshot${query}`, snapshotSchema, { timeoutMs, maxBytes, signal });
  }

  /** The snapshot now with every namespace's listening sockets, as a frozen snapshot keeps it. */
  completeSnapshot(timeoutMs: number, maxBytes: number): Promise<Snapshot> {
    return this.getJson("/api/v1/snapshot?view=complete", snapshotSchema, { timeoutMs, maxBytes });
  }

  /** Opens /api/v1/events; resolves once the agent answered 200 with an event stream. */
  async openEvents(handlers: EventStreamHandlers): Promise<OpenEventStream> {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (handlers.lastEventId !== undefined) headers["last-event-id"] = handlers.lastEventId;
    const res = await this.request("/api/v1/events", { timeoutMs: LIMITS.eventsOpenMs, signal: handlers.signal, headers });
    const status = res.statusCode ?? 0;
    if (status === 401 || status === 403) {
      res.destroy();
      throw new AgentError("unauthorized", `the agent refused the hub's token on its event stream (HTTP ${status})`);
    }
    const type = String(res.headers["content-type"] ?? "");
    if (status !== 200 || !type.startsWith("text/event-stream")) {
      const text = await this.readText(res, 64 * 1024, Date.now() + LIMITS.detailMs, handlers.signal).catch(() => "");
      throw new AgentError("error", `GET /api/v1/events: ${status === 200 ? `content-type ${type}, not an event stream` : describeErrorBody(status, text)}`);
    }
    const parser = new SseParser(handlers.onFrame, handlers.onComment);
    parser.lastEventId = handlers.lastEventId;
    const decoder = new StringDecoder("utf8");
    const ended = new Promise<void>((resolve, reject) => {
      let isDone = false;
      const finish = (err?: AgentError) => {
        if (isDone) return;
        isDone = true;
        handlers.signal.removeEventListener("abort", onAbort);
        if (err === undefined) resolve();
        else {
          res.destroy();
          reject(err);
        }
      };
      const onAbort = () => finish(new AgentError("unreachable", "the event stream was closed by the hub"));
      handlers.signal.addEventListener("abort", onAbort, { once: true });
      if (handlers.signal.aborted) onAbort();
      res.on("data", (chunk: Buffer) => {
        if (isDone) return;
        try {
          parser.feed(decoder.write(chunk));
        } catch (err) {
          finish(err instanceof AgentError ? err : new AgentError("error", `the event stream: ${err instanceof Error ? err.message : String(err)}`));
        }
      });
      res.on("end", () => finish());
      res.on("error", (err) => finish(connectionFailure(err)));
      // A socket closed without a clean end of the chunked body ("aborted") also ends here.
      res.on("close", () => finish(res.complete ? undefined : new AgentError("unreachable", "the event stream broke (connection closed)")));
    });
    return { ended, lastEventId: () => parser.lastEventId };
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.pool.destroy();
  }
}
