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

/** Answers on the raw socket: the request never became an IncomingMessage. */
function answerRejected(err: NodeJS.ErrnoException, socket: Duplex): void {
  const { status, reason, title } = parserRejection(err);
  logger().debug({ code: err.code, status }, "request rejected by the HTTP parser");
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ type: "about:blank", title, status });
  const headers = { ...securityHeaders(newNonce(), false), "content-type": "application/problem+json", "cache-control": "no-store" };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  socket.end([`HTTP/1.1 ${status} ${reason}`, ...lines, `content-length: ${Buffer.byteLength(body)}`, "connection: close", "", body].join("\r\n"));
}

export function createFrontServer(onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void): http.Server {
  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000, maxHeaderSize: MAX_HEADER_BYTES }, onRequest);
  server.on("clientError", answerRejected);
  return server;
}

/** Listens; resolves with the URL it answers on. */
export async function listenOn(server: http.Server, listen: { host: string; port: number }): Promise<string> {
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
