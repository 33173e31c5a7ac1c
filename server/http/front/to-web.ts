/** node:http ⇄ the Web Request/Response the shared handlers speak. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

/** A body-less Web Request for a GET/HEAD (the agent's routes read no body); the URL is the raw path, not decoded. */
export function toWebRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  // Joined, not resolved: a target like "//host/x" must stay a path on this server.
  return new Request(new URL(`${origin}${req.url ?? "/"}`), { method: req.method, headers, signal });
}

/** The bytes of answers made by bytesResponse, which sendWebResponse writes as they are. */
const heldBodies = new WeakMap<Response, Buffer>();

/**
 * A Response over bytes the caller already holds (a serialised snapshot, reused by every request for it).
 * sendWebResponse writes those bytes to the socket directly, without reading the body back out of the
 * Response; any other server (Next) reads the body as usual. The body is a stream that copies the bytes
 * only when read: a Response made from the bytes themselves would copy a few MB per request for nothing
 * here, and a reader of the shared bytes must never be able to change or detach them.
 */
export function bytesResponse(bytes: Buffer<ArrayBuffer>, init: ResponseInit): Response {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new Uint8Array(bytes));
      controller.close();
    },
  });
  const response = new Response(body, init);
  heldBodies.set(response, bytes);
  return response;
}

/** Writes a Web Response; a streamed body (the event stream) is piped with backpressure. */
export async function sendWebResponse(res: ServerResponse, response: Response, extraHeaders: Record<string, string>, isHead: boolean): Promise<void> {
  const headers: Record<string, string> = { ...extraHeaders };
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (response.body === null || isHead) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  if (headers["content-type"]?.startsWith("text/event-stream")) {
    res.writeHead(response.status, headers);
    res.flushHeaders();
    const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
    res.on("close", () => body.destroy());
    body.pipe(res);
    return;
  }
  const bytes = heldBodies.get(response) ?? Buffer.from(await response.arrayBuffer());
  headers["content-length"] = String(bytes.length);
  res.writeHead(response.status, headers);
  res.end(bytes);
}
