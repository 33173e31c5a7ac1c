/**
 * The hub gateway, run inside the hub netns by `ip netns exec <hub> node --import tsx hub-gateway.ts SOCKET`:
 * an HTTP forward proxy on a unix socket, so that a test in the host's netns can reach what only the hub
 * netns can (the agents on 10.250.0.x, the Service's DNS). Started and stopped by the cluster (hub.ts),
 * by PID. Over the socket:
 *   GET http://10.250.0.11:7471/readyz    forwarded as it is (absolute-form target), streamed back (SSE too);
 *                                         when the upstream cannot be reached: 502 with x-gateway-error: ECONNREFUSED, …
 *   GET /dns/lookup/<name>                dns.lookup(name, {all: true}) here: {"addresses": [...]} or {"error": code}
 *   GET /dns/resolve4/<name>              dns.resolve4(name): {"addresses": [...]} or {"error": code}
 *   GET /gateway/ping                     "pong"
 * The header x-gateway-timeout-ms bounds a forwarded request (connect and idle).
 */
import dns from "node:dns/promises";
import fs from "node:fs";
import http from "node:http";

const socket = process.argv[2];
if (socket === undefined || !socket.startsWith("/")) {
  console.error("usage: hub-gateway.ts /absolute/path/to.sock");
  process.exit(2);
}

const HOP_HEADERS = new Set(["host", "connection", "keep-alive", "proxy-connection", "proxy-authorization", "transfer-encoding", "upgrade"]);

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function errorCode(err: unknown): string {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "string") return err.code;
  return err instanceof Error ? err.message : String(err);
}

async function answerDns(kind: string, name: string, res: http.ServerResponse): Promise<void> {
  try {
    const addresses = kind === "lookup" ? await dns.lookup(name, { all: true }) : (await dns.resolve4(name)).map((address) => ({ address, family: 4 }));
    json(res, 200, { addresses });
  } catch (err) {
    json(res, 200, { error: errorCode(err) });
  }
}

function forward(target: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_HEADERS.has(k) && !k.startsWith("x-gateway-") && v !== undefined) headers[k] = v;
  const timeoutMs = Number(req.headers["x-gateway-timeout-ms"] ?? 0);
  const upstream = http.request(target, { method: req.method, headers, agent: false }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  if (timeoutMs > 0) upstream.setTimeout(timeoutMs, () => upstream.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
  upstream.on("error", (err) => {
    if (res.headersSent) res.destroy();
    else json(res, 502, { error: errorCode(err) }, { "x-gateway-error": errorCode(err) });
  });
  res.on("close", () => upstream.destroy());
  req.pipe(upstream);
}

const server = http.createServer((req, res) => {
  const url = req.url ?? "/";
  if (url === "/gateway/ping") {
    res.end("pong");
    return;
  }
  const dnsPath = /^\/dns\/(lookup|resolve4)\/([^/?]+)$/.exec(url);
  if (dnsPath?.[1] !== undefined && dnsPath[2] !== undefined) {
    void answerDns(dnsPath[1], decodeURIComponent(dnsPath[2]), res);
    return;
  }
  if (/^https?:\/\//.test(url)) {
    forward(new URL(url), req, res);
    return;
  }
  json(res, 400, { error: `the hub gateway forwards absolute http:// targets and answers /dns/…; not ${url}` });
});

fs.rmSync(socket, { force: true });
server.listen(socket, () => {
  fs.chmodSync(socket, 0o600);
  console.log(`hub gateway listening on ${socket}`);
});
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => server.close(() => process.exit(0)));
