/** Requests the servers answered: counted and timed by route template, method and status (all bounded label sets). */
import { Counter, Histogram, type Registry } from "prom-client";

export interface HttpRequestObservation {
  /** The route template, e.g. "/api/v1/netns/[netnsId]"; never a raw path (every id would be a new series). */
  route: string;
  method: string;
  status: number;
  /** Undefined for a stream (the event stream lasts as long as its client): counted, not timed. */
  seconds: number | undefined;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One of GET HEAD POST PUT PATCH DELETE OPTIONS, else "other". */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : "other";
}

/** The status code, or "other" when it is not one. */
export function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : "other";
}

export function registerHttpMetrics(registry: Registry): (request: HttpRequestObservation) => void {
  const requests = new Counter({
    name: "nsatlas_http_requests_total",
    help: "HTTP requests answered, by route template, method and status.",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: "nsatlas_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by route template and method.",
    labelNames: ["route", "method"] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  return ({ route, method, status, seconds }) => {
    const m = methodLabel(method);
    requests.inc({ route, method: m, status: statusLabel(status) });
    if (seconds !== undefined) durations.observe({ route, method: m }, seconds);
  };
}
