/**
 * The dashboard's own HTTP server, in front of Next.js: the shared front door (decodable targets,
 * real client address, failed-authentication throttle, token rule), the probes and a request log
 * line per request, then Next's handler for the pages and the API. Framework-free: it gets Next's
 * request handler from server/bin/dashboard.ts.
 */
import type http from "node:http";
import { SOCKET_HEADER, socketHeaderValue } from "../capture/own-connection";
import type { Readiness } from "../contract/health";
import { admit, type FrontOptions } from "../http/front/admit";
import { CLIENT_HEADER } from "../http/front/client-header";
import { createFrontServer } from "../http/front/http-server";
import { logRequest } from "../http/front/request-log";
import { sendWebResponse } from "../http/front/to-web";
import { metricsHandler } from "../http/handlers/metrics-handler";
import { livezHandler, readyzHandler } from "../http/handlers/probe-handlers";
import { problemResponse } from "../http/json";
import { newNonce, securityHeaders } from "../http/security";
import { errorFields, logger } from "../log/logger";
import { observeHttpRequest, processMetrics } from "../metrics/process-metrics";

export type PageHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/** What the front needs from the process's core: the agent (single node) or the hub (NSATLAS_AGENTS, docs/hub.md). */
export interface DashboardCore {
  readiness(): Readiness;
  /** The hub's answer for a route that reads the local node (409), before Next runs it; undefined to go on. */
  refuse?(pathname: string): Response | undefined;
}

export interface DashboardServer {
  url: string;
  /** Stops accepting and waits up to `graceMs` for requests in flight, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

/** The methods the dashboard's routes answer (pages: GET and HEAD; the API: GET and POST). */
const METHODS = new Set(["GET", "HEAD", "POST"]);

/** What the front answers itself, without Next. */
async function ownAnswer(pathname: string, core: DashboardCore): Promise<Response | undefined> {
  if (pathname === "/livez") return livezHandler();
  if (pathname === "/readyz") return readyzHandler(core.readiness());
  if (pathname === "/metrics") return metricsHandler();
  return core.refuse?.(pathname);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, core: DashboardCore, front: FrontOptions, pages: PageHandler): Promise<void> {
  const headers = securityHeaders(newNonce(), front.isDev);
  const isHead = req.method === "HEAD";
  const admission = admit(req, front);
  logRequest(req, res, admission, observeHttpRequest);
  if (admission.kind === "answer") return sendWebResponse(res, admission.response, headers, isHead);
  // Next answers a method no route exports (TRACE, …) with a 500.
  if (!METHODS.has(req.method ?? "")) {
    const refusal = problemResponse(405, "Method not allowed", `the dashboard answers ${[...METHODS].join(", ")}`);
    return sendWebResponse(res, refusal, { ...headers, allow: [...METHODS].join(", ") }, isHead);
  }
  // /metrics is for scrapers: a browser without a session gets 401 there, not the login form.
  if (admission.verdict.kind === "login" && admission.route === "/metrics") {
    return sendWebResponse(res, problemResponse(401, "Authentication required", "send Authorization: Bearer <NSATLAS_TOKEN>"), headers, isHead);
  }
  const own = await ownAnswer(admission.pathname, core);
  if (own !== undefined) return sendWebResponse(res, own, headers, isHead);
  // The routes learn the client from the front only: whatever a client sends under this name is dropped.
  delete req.headers[CLIENT_HEADER];
  req.headers[CLIENT_HEADER] = admission.client;
  // The request's own connection, so that a packet capture in this namespace can leave it out (server/capture/own-connection.ts).
  delete req.headers[SOCKET_HEADER];
  const socket = socketHeaderValue(req.socket);
  if (socket !== undefined) req.headers[SOCKET_HEADER] = socket;
  // Answers Next makes without running the proxy (its own 404s and errors) still carry the security headers;
  // the proxy replaces them (with a fresh CSP nonce) on everything it handles.
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  await pages(req, res);
}

export async function serveDashboard(
  core: DashboardCore,
  pages: PageHandler,
  front: FrontOptions,
  listen: { host: string; port: number },
): Promise<DashboardServer> {
  // Registered now, so the first scrape already has the event loop's lag.
  processMetrics();
  const frontServer = createFrontServer((req, res) => {
    handle(req, res, core, front, pages).catch((err: unknown) => {
      logger().error({ err: errorFields(err) }, "request failed inside the dashboard server");
      if (!res.headersSent) res.writeHead(503, { "content-type": "application/problem+json", ...securityHeaders(newNonce(), false) });
      res.end(JSON.stringify({ type: "about:blank", title: "The request failed", status: 503 }));
    });
  });
  return { url: await frontServer.listen(listen), close: (graceMs) => frontServer.close(graceMs) };
}
