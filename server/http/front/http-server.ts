/**
 * The node:http server both faces listen with: timeouts, a header size limit, and an answer (with
 * the security headers) for requests the HTTP parser rejects before any route could see them.
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import { logger } from "../../log/logger";
import { newNonce, securityHeaders } from "../security";

const MAX_HEADER_BYTES = 16 * 1024;

function parserRejection(err: NodeJS.ErrnoException): { status: number; reason: string; title: string } {
  if (err.code === "HPE_HEADER_OVERFLOW") return { status: 431, reason: "Request Header Fields Too Large", title: "Request headers too large" };
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return { status: 408, reason: "Request Timeout", title: "Request timeout" };
  return { status: 400, reason: "Bad Request", title: "Bad request" };
}

/** A problem answer written on the raw socket (the request never became an IncomingMessage), then the connection closes. */
function answerOnSocket(socket: Duplex, status: number, reason: string, title: string, extra: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ type: "about:blank", title, status });
  const headers = { ...securityHeaders(newNonce(), false), "content-type": "application/problem+json", "cache-control": "no-store", ...extra };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  socket.end([`HTTP/1.1 ${status} ${reason}`, ...lines, `content-length: ${Buffer.byteLength(body)}`, "connection: close", "", body].join("\r\n"));
}

function answerRejected(err: NodeJS.ErrnoException, socket: Duplex): void {
  const { status, reason, title } = parserRejection(err);
  logger().debug({ code: err.code, status }, "request rejected by the HTTP parser");
  answerOnSocket(socket, status, reason, title);
}

/** CONNECT asks for a tunnel: node:http hands it over as a socket, and neither face is a proxy. */
function refuseTunnel(_req: http.IncomingMessage, socket: Duplex): void {
  answerOnSocket(socket, 405, "Method Not Allowed", "Method not allowed", { allow: "GET, HEAD" });
}

export interface FrontServer {
  server: http.Server;
  /** Listens; resolves with the URL it answers on. */
  listen(at: { host: string; port: number }): Promise<string>;
  /** Stops accepting, waits up to `graceMs` for the requests in flight, then closes every connection left. */
  close(graceMs: number): Promise<void>;
}

export function createFrontServer(onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void): FrontServer {
  const inFlight = new Set<http.ServerResponse>();
  // requireHostHeader off: node:http would answer a Host-less HTTP/1.1 request itself, without the security headers; admit() does.
  const options = { requestTimeout: 30_000, headersTimeout: 10_000, maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false };
  const server = http.createServer(options, (req, res) => {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    onRequest(req, res);
  });
  server.on("clientError", answerRejected);
  server.on("connect", refuseTunnel);
  return {
    server,
    listen: (at) => listenOn(server, at),
    close: async (graceMs) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = Date.now() + graceMs;
      // Keep-alive connections go idle as their last answers finish: close them as they do.
      for (server.closeIdleConnections(); inFlight.size > 0 && Date.now() < deadline; server.closeIdleConnections()) {
        await new Promise((r) => setTimeout(r, 25));
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

async function listenOn(server: http.Server, listen: { host: string; port: number }): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error(`not listening on TCP ${listen.host}:${listen.port}`);
  return `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
}
