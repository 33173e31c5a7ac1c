/**
 * The host side of the hub gateway (hub-gateway.ts): HTTP to the agents and DNS questions, asked from
 * inside the hub netns. `hubClient(manifest)` for a cluster that is up.
 */
import http from "node:http";
import { z } from "zod";
import type { ClusterManifest, ClusterNode } from "./manifest";

export interface HubResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface SseFrame {
  event: string;
  id?: string;
  data: string;
  receivedAt: number;
}

export interface HubEventStream {
  status: number;
  frames: SseFrame[];
  /** The first frame (received already or coming) that matches. */
  next(match: (frame: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  /** Resolves when the stream ends (the agent went away, or close()). */
  ended: Promise<void>;
  close(): void;
}

const lookupSchema = z.union([z.object({ addresses: z.array(z.object({ address: z.string(), family: z.number() })) }), z.object({ error: z.string() })]);
export type HubLookup = z.infer<typeof lookupSchema>;

function request(socket: string, target: string, headers: Record<string, string>, timeoutMs: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, path: target, method: "GET", headers, agent: false }, resolve);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${target} through the hub gateway within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  let body = "";
  res.setEncoding("utf8");
  for await (const chunk of res) body += String(chunk);
  return body;
}

/** Does a gateway answer on this socket? */
export async function hubGatewayAnswers(socket: string): Promise<boolean> {
  try {
    const res = await request(socket, "/gateway/ping", {}, 2000);
    return (await readAll(res)) === "pong";
  } catch {
    return false;
  }
}

export class HubClient {
  constructor(
    readonly socket: string,
    readonly token: string,
  ) {}

  /** GET a URL as the hub netns would (the bearer token unless `auth: false`); a 502 with x-gateway-error means it could not connect. */
  async get(url: string, options: { auth?: boolean; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<HubResponse> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const headers: Record<string, string> = { "x-gateway-timeout-ms": String(timeoutMs), ...options.headers };
    if (options.auth !== false) headers.authorization = `Bearer ${this.token}`;
    const res = await request(this.socket, url, headers, timeoutMs + 1000);
    return { status: res.statusCode ?? 0, headers: res.headers, body: await readAll(res) };
  }

  /** GET and parse JSON with a schema; throws unless 200. */
  async json<T>(url: string, schema: z.ZodType<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    const res = await this.get(url, options);
    if (res.status !== 200) throw new Error(`GET ${url} through the hub: ${res.status} ${res.body.slice(0, 500)}`);
    return schema.parse(JSON.parse(res.body));
  }

  /** dns.lookup(name, {all: true}) inside the hub netns (what a hub finding its agents does). */
  async lookup(name: string): Promise<HubLookup> {
    const res = await request(this.socket, `/dns/lookup/${encodeURIComponent(name)}`, {}, 10_000);
    return lookupSchema.parse(JSON.parse(await readAll(res)));
  }

  /** dns.resolve4(name) inside the hub netns: asks the DNS server, never /etc/hosts. */
  async resolve4(name: string): Promise<HubLookup> {
    const res = await request(this.socket, `/dns/resolve4/${encodeURIComponent(name)}`, {}, 10_000);
    return lookupSchema.parse(JSON.parse(await readAll(res)));
  }

  /** Follows a Server-Sent Events stream (an agent's /api/v1/events) from the hub netns. */
  async events(url: string): Promise<HubEventStream> {
    const res = await request(this.socket, url, { authorization: `Bearer ${this.token}`, accept: "text/event-stream" }, 10_000);
    res.setTimeout(0);
    const frames: SseFrame[] = [];
    const waiters: Array<{ match: (f: SseFrame) => boolean; resolve: (f: SseFrame) => void }> = [];
    let buffered = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf("\n\n")) !== -1) {
        const frame = parseFrame(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        frames.push(frame);
        for (const w of [...waiters]) {
          if (w.match(frame)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(frame);
          }
        }
      }
    });
    const ended = new Promise<void>((resolve) => {
      res.on("close", resolve);
      res.on("error", () => resolve());
    });
    return {
      status: res.statusCode ?? 0,
      frames,
      ended,
      next(match, timeoutMs = 10_000) {
        const seen = frames.find(match);
        if (seen !== undefined) return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no matching event from ${url} within ${timeoutMs} ms (got ${frames.length} frames)`)), timeoutMs);
          waiters.push({
            match,
            resolve: (f) => {
              clearTimeout(timer);
              resolve(f);
            },
          });
        });
      },
      close: () => res.destroy(),
    };
  }
}

function parseFrame(block: string): SseFrame {
  const frame: SseFrame = { event: "message", data: "", receivedAt: Date.now() };
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) frame.event = line.slice(7);
    else if (line.startsWith("id: ")) frame.id = line.slice(4);
    else if (line.startsWith("data: ")) data.push(line.slice(6));
  }
  frame.data = data.join("\n");
  return frame;
}

export function hubClient(manifest: ClusterManifest): HubClient {
  return new HubClient(manifest.hub.gateway.socket, manifest.token);
}

/** A node agent's base URL (reachable from the hub netns). */
export function agentUrl(manifest: ClusterManifest, node: ClusterNode): string {
  return `http://${node.eth0.cidr?.split("/")[0] ?? ""}:${manifest.agentPort}`;
}
