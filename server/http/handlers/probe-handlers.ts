/** GET /livez and GET /readyz: public probes (no token) for Kubernetes and load balancers. */
import type { Readiness } from "../../contract/health";
import { jsonResponse } from "../json";

/** The process and its event loop answer. */
export function livezHandler(): Response {
  return new Response("ok\n", { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

export function readyzHandler(readiness: Readiness): Response {
  return jsonResponse(readiness, readiness.isReady ? 200 : 503);
}
