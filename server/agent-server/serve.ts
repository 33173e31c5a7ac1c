/**
 * `nsatlas agent`: the node agent's HTTP server. Plain node:http over the agent core, no Next.js: the
 * read API, the event stream and the probes, behind the shared front door (server/http/front/).
 *   GET /livez  /readyz  (public)
 *   GET and POST /api/v1/captures (packet capture, off unless NSATLAS_CAPTURE=1: the one write the agent takes)
 *   GET /api/v1/snapshot[?view=overview&at=]  /api/v1/netns/{id}[?at=]  /api/v1/trace?from=&to=  /api/v1/events  /api/v1/healthz  /metrics
 */
import type http from "node:http";
import type { Agent } from "../agent/create-agent";
import { trustedProxySet } from "../config";
import { admit, type FrontOptions } from "../http/front/admit";
import { createFrontServer } from "../http/front/http-server";
import { logRequest, type RequestObserver } from "../http/front/request-log";
import { sendWebResponse, toWebRequest } from "../http/front/to-web";
import { CAPTURES_PATH, captureHostFrom, serveCaptureOnAgent } from "../http/handlers/capture-handler";
import { eventStreamHandler } from "../http/handlers/event-stream";
import { livezHandler, readyzHandler } from "../http/handlers/probe-handlers";
import { netnsHandler, snapshotHandler } from "../http/handlers/read-handlers";
import { traceHandler } from "../http/handlers/trace-handler";
import { jsonResponse, problemResponse } from "../http/json";
import { newNonce, securityHeaders } from "../http/security";
import { errorFields, logger } from "../log/logger";
import { traceSource } from "../trace/trace-source";

export interface AgentServer {
  url: string;
  /** Stops accepting, ends every event stream, waits for requests in flight. */
  close(): Promise<void>;
}

/** How long a stop waits for requests in flight (the event streams end at once). */
const GRACE_MS = 4000;
const NETNS_PATH = /^\/api\/v1\/netns\/([^/]+)$/;

/** Routes one request; every failure is a problem answer. */
async function route(request: Request, pathname: string, agent: Agent, shutdown: AbortSignal): Promise<Response> {
  if (pathname === "/livez") return livezHandler();
  if (pathname === "/readyz") return readyzHandler(agent.readiness());
  if (pathname === "/api/v1/snapshot") return snapshotHandler(request, agent);
  const netns = NETNS_PATH.exec(pathname);
  if (netns?.[1] !== undefined) return netnsHandler(request, netns[1], agent);
  if (pathname === "/api/v1/events") return eventStreamHandler(request, agent, { signal: shutdown });
  if (pathname === "/api/v1/healthz") return jsonResponse(await agent.health());
  if (pathname === "/api/v1/trace") return traceHandler(request, traceSource(agent));
  // Loaded on first use: the one-shot commands share this bundle and need no prom-client.
  if (pathname === "/metrics") return (await import("../http/handlers/metrics-handler")).metricsHandler();
  return problemResponse(404, "Not found", `the node agent serves no ${pathname}; see docs/api.md`);
}

interface Context {
  agent: Agent;
  observe: RequestObserver;
  front: FrontOptions;
  origin: string;
  shutdown: AbortSignal;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, { agent, observe, front, origin, shutdown }: Context): Promise<void> {
  const headers = securityHeaders(newNonce(), false);
  const isHead = req.method === "HEAD";
  const admission = admit(req, front);
  logRequest(req, res, admission, observe);
  // Read-only whoever asks, but for starting a packet capture (which the hub proxies): any other write is refused as
  // such, before the token rule could call it cross-site.
  const isCapture = (req.url ?? "").split("?")[0] === CAPTURES_PATH;
  if (req.method !== "GET" && !isHead && !(isCapture && req.method === "POST")) {
    const refusal = problemResponse(405, "Method not allowed", "the node agent's API is read-only: GET or HEAD");
    return sendWebResponse(res, refusal, { ...headers, allow: "GET, HEAD" }, isHead);
  }
  if (admission.kind === "answer") return sendWebResponse(res, admission.response, headers, isHead);
  if (admission.verdict.kind === "login") {
    return sendWebResponse(res, problemResponse(401, "Authentication required", "send Authorization: Bearer <NSATLAS_TOKEN>"), headers, isHead);
  }
  const disconnected = new AbortController();
  res.on("close", () => disconnected.abort());
  if (isCapture) {
    const context = { host: captureHostFrom(agent), origin, client: admission.client, auth: admission.verdict.auth, headers, signal: disconnected.signal };
    return serveCaptureOnAgent(req, res, context);
  }
  let response: Response;
  try {
    response = await route(toWebRequest(req, origin, disconnected.signal), admission.pathname, agent, shutdown);
  } catch (err) {
    logger().warn({ route: admission.route, err: errorFields(err) }, "the node could not be read for a request");
    response = problemResponse(503, "The node could not be read", err instanceof Error ? err.message : String(err));
  }
  return sendWebResponse(res, response, headers, isHead);
}

export async function serveAgent(agent: Agent, listen: { host: string; port: number }): Promise<AgentServer> {
  const shutdown = new AbortController();
  const origin = `http://${listen.host.includes(":") ? `[${listen.host}]` : listen.host}:${listen.port}`;
  const front = { token: agent.config.token, trustedProxies: trustedProxySet(agent.config.trustedProxies), isDev: false };
  const { observeHttpRequest, processMetrics } = await import("../metrics/process-metrics");
  // Registered now, so the first scrape already has the event loop's lag.
  processMetrics();
  const context: Context = { agent, observe: observeHttpRequest, front, origin, shutdown: shutdown.signal };
  const server = createFrontServer((req, res) => {
    handle(req, res, context).catch((err: unknown) => {
      // Only a failure of this server itself gets here (the handlers answer problems for everything else).
      logger().error({ err: errorFields(err) }, "request failed inside the agent server");
      if (!res.headersSent) res.writeHead(503, { "content-type": "application/problem+json", ...securityHeaders(newNonce(), false) });
      res.end(JSON.stringify({ type: "about:blank", title: "The request failed", status: 503 }));
    });
  });
  const url = await server.listen(listen);
  // The first scan starts now, so /readyz turns ready without waiting for a client.
  agent.snapshot().catch((err: unknown) => logger().warn({ err: errorFields(err) }, "the first scan failed"));
  return {
    url,
    close: () => {
      shutdown.abort();
      return server.close(GRACE_MS);
    },
  };
}
