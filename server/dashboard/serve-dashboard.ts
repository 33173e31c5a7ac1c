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
import { createFrontServer, listenOn } from "../http/front/http-server";
import { logRequest } from "../http/front/request-log";
import { sendWebResponse } from "../http/front/to-web";
import { livezHandler, readyzHandler } from "../http/handlers/probe-handlers";
import { newNonce, securityHeaders } from "../http/security";
import { errorFields, logger } from "../log/logger";

export type PageHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export interface DashboardServer {
  url: string;
  /** Stops accepting and waits up to `graceMs` for requests in flight, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

/** What the front answers itself, without Next. */
function ownAnswer(pathname: string, agent: Agent): Response | undefined {
  if (pathname === "/livez") return livezHandler();
  if (pathname === "/readyz") return readyzHandler(agent.readiness());
  return undefined;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, agent: Agent, front: FrontOptions, pages: PageHandler): Promise<void> {
  const headers = securityHeaders(newNonce(), front.isDev);
  const isHead = req.method === "HEAD";
  const admission = admit(req, front);
  logRequest(req, res, admission);
  if (admission.kind === "answer") return sendWebResponse(res, admission.response, headers, isHead);
  const own = ownAnswer(admission.pathname, agent);
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
  const inFlight = new Set<http.ServerResponse>();
  const server = createFrontServer((req, res) => {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    handle(req, res, agent, front, pages).catch((err: unknown) => {
      logger().error({ err: errorFields(err) }, "request failed inside the dashboard server");
      if (!res.headersSent) res.writeHead(503, { "content-type": "application/problem+json", ...securityHeaders(newNonce(), false) });
      res.end(JSON.stringify({ type: "about:blank", title: "The request failed", status: 503 }));
    });
  });
  const url = await listenOn(server, listen);
  return {
    url,
    close: async (graceMs) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      server.closeAllConnections();
      await closed;
    },
  };
}
