/**
 * The dashboard's own HTTP server, in front of Next.js: the shared front door (decodable targets,
 * real client address, failed-authentication throttle, token rule), the probes and a request log
 * line per request, then Next's handler for the pages and the API. Framework-free: it gets Next's
 * request handler from server/bin/dashboard.ts.
 */
import type http from "node:http";
import type { Agent } from "../agent/create-agent";
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

export interface DashboardServer {
  url: string;
  /** Stops accepting and waits up to `graceMs` for requests in flight, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

/** The methods the dashboard's routes answer (pages: GET and HEAD; the API: GET and POST). */
const METHODS = new Set(["GET", "HEAD", "POST"]);

/** What the front answers itself, without Next. */
async function ownAnswer(pathname: string, agent: Agent): Promise<Response | undefined> {
  if (pathname === "/livez") return livezHandler();
  if (pathname === "/readyz") return readyzHandler(agent.readiness());
  if (pathname === "/metrics") return metricsHandler();
  return undefined;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, agent: Agent, front: FrontOptions, pages: PageHandler): Promise<void> {
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
  const own = await ownAnswer(admission.pathname, agent);
  if (own !== undefined) return sendWebResponse(res, own, headers, isHead);
  // The routes learn the client from the front only: whatever a client sends under this name is dropped.
  delete req.headers[CLIENT_HEADER];
  req.headers[CLIENT_HEADER] = admission.client;
  // Answers Next makes without running the proxy (its own 404s and errors) still carry the security headers;
  // the proxy replaces them (with a fresh CSP nonce) on everything it handles.
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  await pages(req, res);
}

export async function serveDashboard(agent: Agent, pages: PageHandler, front: FrontOptions, listen: { host: string; port: number }): Promise<DashboardServer> {
  // Registered now, so the first scrape already has the event loop's lag.
  processMetrics();
  const frontServer = createFrontServer((req, res) => {
    handle(req, res, agent, front, pages).catch((err: unknown) => {
      logger().error({ err: errorFields(err) }, "request failed inside the dashboard server");
      if (!res.headersSent) res.writeHead(503, { "content-type": "application/problem+json", ...securityHeaders(newNonce(), false) });
      res.end(JSON.stringify({ type: "about:blank", title: "The request failed", status: 503 }));
    });
  });
  return { url: await frontServer.listen(listen), close: (graceMs) => frontServer.close(graceMs) };
}
