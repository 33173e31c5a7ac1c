/**
 * GET and POST /api/v1/captures: one implementation for the dashboard and the node agent.
 * GET says whether capture is on and how many run; POST starts one and streams its pcapng file
 * (application/x-pcapng, as an attachment) while it runs. Every refusal is a problem answer:
 * 403 off, 400 a malformed body or a filter tcpdump cannot compile, 404 an unknown namespace,
 * interface or pod, 429 too many at once (with Retry-After), 503 missing privileges.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { captureRequestSchema } from "../../contract/capture";
import type { Snapshot } from "../../contract/snapshot";
import { CaptureError } from "../../capture/capture-error";
import { CAPTURE_OFF_MESSAGE, captureStatus, startCaptureFor, type CaptureHost } from "../../capture/capture-service";
import { parseSocketHeader, SOCKET_HEADER, socketHeaderValue } from "../../capture/own-connection";
import { answer, requester } from "../answer";
import { CLIENT_HEADER } from "../front/client-header";
import { jsonResponse, problemResponse } from "../json";
import { readJson } from "../read-json";
import { AUTH_HEADER } from "../security";

export type { CaptureHost };

/** The capture's view of an agent core (server/agent/create-agent.ts): its configuration, its snapshots, its audit trail. */
export interface CaptureAgent {
  readonly config: { capture: boolean };
  snapshot(at?: string, options?: { fresh?: boolean }): Promise<Snapshot>;
  readonly history: { audit(action: "capture", who: string, detail: string): void };
}

export function captureHostFrom(agent: CaptureAgent): CaptureHost {
  return {
    isEnabled: agent.config.capture,
    snapshot: (fresh) => agent.snapshot(undefined, { fresh }),
    audit: (who, detail) => agent.history.audit("capture", who, detail),
  };
}

export function captureStatusHandler(host: CaptureHost): Response {
  return jsonResponse(captureStatus(host.isEnabled));
}

/** Matched by name as well as class: Next may bundle this module apart from the code that threw (see answer.ts). */
function isCaptureError(err: unknown): err is CaptureError {
  return err instanceof CaptureError || (err instanceof Error && err.name === "CaptureError" && "status" in err && "title" in err);
}

export async function captureHandler(request: Request, host: CaptureHost): Promise<Response> {
  if (!host.isEnabled) return problemResponse(403, "Capture is off", CAPTURE_OFF_MESSAGE);
  const body = await readJson(request, captureRequestSchema);
  if (!body.ok) return body.response;
  return answer(async () => {
    try {
      const started = await startCaptureFor(host, body.value, requester(request), parseSocketHeader(request.headers.get(SOCKET_HEADER)), request.signal);
      return new Response(started.body, {
        status: 200,
        headers: {
          "content-type": "application/x-pcapng",
          "content-disposition": `attachment; filename="${started.fileName}"`,
          "cache-control": "no-store",
        },
      });
    } catch (err) {
      if (!isCaptureError(err)) throw err;
      const response = problemResponse(err.status, err.title, err.message);
      if (err.retryAfterSeconds !== undefined) response.headers.set("retry-after", String(err.retryAfterSeconds));
      return response;
    }
  });
}

/** The path of both routes. */
export const CAPTURES_PATH = "/api/v1/captures";

/**
 * The node agent's captures route (server/agent-server/serve.ts): the one route there that takes a
 * POST, with a body, and whose answer streams. What the routes learn about the request (client, how
 * it got in, its socket) comes from the front, never from the client's own headers.
 */
export async function serveCaptureOnAgent(
  req: IncomingMessage,
  res: ServerResponse,
  context: { host: CaptureHost; origin: string; client: string; auth: string; headers: Record<string, string>; signal: AbortSignal },
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === CLIENT_HEADER || name === AUTH_HEADER || name === SOCKET_HEADER) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  headers.set(CLIENT_HEADER, context.client);
  headers.set(AUTH_HEADER, context.auth);
  const socket = socketHeaderValue(req.socket);
  if (socket !== undefined) headers.set(SOCKET_HEADER, socket);
  const isPost = req.method === "POST";
  const request = new Request(new URL(`${context.origin}${req.url ?? "/"}`), {
    method: isPost ? "POST" : "GET",
    headers,
    signal: context.signal,
    ...(isPost ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  });
  const response = isPost ? await captureHandler(request, context.host) : captureStatusHandler(context.host);
  const out: Record<string, string> = { ...context.headers };
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  res.writeHead(response.status, out);
  if (response.body === null || req.method === "HEAD") {
    res.end();
    return;
  }
  // Streamed with backpressure; a client that leaves cancels the body, which stops the capture.
  const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
  res.on("close", () => body.destroy());
  body.pipe(res);
}
