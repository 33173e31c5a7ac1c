/**
 * One log line per request once its answer is done (or the client left): method, route template,
 * status, duration and client. Never the raw path, query, headers, tokens or cookies. Probes and
 * metric scrapes log at debug: a kubelet probing every few seconds would bury everything else.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { logger } from "../../log/logger";

const QUIET_ROUTES = new Set(["/livez", "/readyz", "/metrics"]);

export interface RequestFacts {
  client: string;
  route: string;
}

/** Streams last as long as their client: counted, not timed. */
const STREAM_ROUTES = new Set(["/api/v1/events"]);

export type RequestObserver = (facts: { route: string; method: string; status: number; seconds: number | undefined }) => void;

export function logRequest(req: IncomingMessage, res: ServerResponse, facts: RequestFacts, observe?: RequestObserver): void {
  const startedAt = process.hrtime.bigint();
  res.once("close", () => {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const method = req.method ?? "GET";
    const line = {
      method,
      route: facts.route,
      status: res.statusCode,
      durationMs: Math.round(seconds * 1e4) / 10,
      client: facts.client,
      ...(res.writableFinished ? {} : { isAborted: true }),
    };
    if (QUIET_ROUTES.has(facts.route)) logger().debug(line, "request");
    else logger().info(line, "request");
    observe?.({ route: facts.route, method, status: res.statusCode, seconds: STREAM_ROUTES.has(facts.route) ? undefined : seconds });
  });
}
