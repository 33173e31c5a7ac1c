/**
 * `nsatlas agent`: the node agent's HTTP server. Plain node:http over the agent core, no Next.js: the
 * read API, the event stream and the probes, with the dashboard's contract, front door (token rule,
 * loopback Host names without one) and problem answers.
 *   GET /livez  /readyz  (public)
 *   GET /api/v1/snapshot[?view=overview&at=]  /api/v1/netns/{id}[?at=]  /api/v1/events  /api/v1/healthz
 */
import http from "node:http";
import type { Agent } from "../agent/create-agent";
import { eventStreamHandler } from "../http/handlers/event-stream";
import { livezHandler, readyzHandler } from "../http/handlers/probe-handlers";
import { netnsHandler, snapshotHandler } from "../http/handlers/read-handlers";
import { jsonResponse, problemResponse } from "../http/json";
import { checkRequest, newNonce, securityHeaders } from "../http/security";
import { sendWebResponse, toWebRequest } from "./to-web";

export interface AgentServer {
  url: string;
  /** Stops accepting, ends every event stream, waits for requests in flight. */
  close(): Promise<void>;
}

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
  return problemResponse(404, "Not found", `the node agent serves no ${pathname}; see docs/api.md`);
}

/** A decoded path, or undefined when its percent-encoding is malformed. */
function decodePath(rawUrl: string): string | undefined {
  const path = rawUrl.split("?")[0] ?? "/";
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, agent: Agent, origin: string, shutdown: AbortSignal): Promise<void> {
  const headers = securityHeaders(newNonce(), false);
  const isHead = req.method === "HEAD";
  const rawUrl = req.url ?? "/";
  const pathname = rawUrl.startsWith("/") ? decodePath(rawUrl) : undefined;
  if (pathname === undefined || /[\0]/.test(pathname)) {
    return sendWebResponse(res, problemResponse(400, "Malformed path", "the request path is not a valid percent-encoded path"), headers, isHead);
  }
  if (req.method !== "GET" && !isHead) {
    return sendWebResponse(
      res,
      problemResponse(405, "Method not allowed", "the node agent's API is read-only: GET or HEAD"),
      { ...headers, allow: "GET, HEAD" },
      isHead,
    );
  }
  const disconnected = new AbortController();
  res.on("close", () => disconnected.abort());
  let request: Request;
  try {
    request = toWebRequest(req, origin, disconnected.signal);
  } catch {
    return sendWebResponse(res, problemResponse(400, "Malformed request", "the request URL or headers cannot be parsed"), headers, isHead);
  }
  const verdict = checkRequest({ method: req.method ?? "GET", pathname, headers: request.headers }, { token: agent.config.token, isDev: false });
  if (verdict.kind === "problem") {
    return sendWebResponse(res, problemResponse(verdict.status, verdict.title, verdict.detail), { ...headers, ...verdict.headers }, isHead);
  }
  if (verdict.kind === "login") {
    return sendWebResponse(res, problemResponse(401, "Authentication required", "send Authorization: Bearer <NSATLAS_TOKEN>"), headers, isHead);
  }
  let response: Response;
  try {
    response = await route(request, pathname, agent, shutdown);
  } catch (err) {
    response = problemResponse(503, "The node could not be read", err instanceof Error ? err.message : String(err));
  }
  return sendWebResponse(res, response, headers, isHead);
}

export async function serveAgent(agent: Agent, listen: { host: string; port: number }): Promise<AgentServer> {
  const shutdown = new AbortController();
  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000, maxHeaderSize: 16 * 1024 });
  const origin = `http://${listen.host.includes(":") ? `[${listen.host}]` : listen.host}:${listen.port}`;
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res, agent, origin, shutdown.signal).catch((err: unknown) => {
      // Only a failure of this server itself gets here (the handlers answer problems for everything else).
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/problem+json", ...securityHeaders(newNonce(), false) });
      res.end(JSON.stringify({ type: "about:blank", title: "Internal error", status: 500, detail: err instanceof Error ? err.message : String(err) }));
    });
  });
  // A request line or header the parser rejects never reaches "request": answer it here, not with a reset.
  server.on("clientError", (_err, socket) => {
    if (socket.writable)
      socket.end(
        'HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\nconnection: close\r\n\r\n{"type":"about:blank","title":"Bad request","status":400}',
      );
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error(`the agent is not listening on TCP ${listen.host}:${listen.port}`);
  // The first scan starts now, so /readyz turns ready without waiting for a client.
  agent.snapshot().catch(() => undefined);
  return {
    url: `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
