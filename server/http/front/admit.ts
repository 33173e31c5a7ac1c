/**
 * The front door of both node:http servers (node agent and dashboard), before any route runs: the
 * request target must decode, the client is the socket's peer (or what a trusted proxy says), a
 * client past the failed-authentication limit gets 429, and the token rule of security.ts applies.
 */
import type { IncomingMessage } from "node:http";
import type { BlockList } from "node:net";
import { audit } from "../../log/logger";
import { problemResponse } from "../json";
import { checkRequest, type Verdict } from "../security";
import { noteAuthFailure, retryAfterSeconds } from "./auth-throttle";
import { clientAddress } from "./client-address";
import { checkRequestTarget } from "./request-target";
import { routeTemplate } from "./route-template";

export interface FrontOptions {
  token: string | undefined;
  trustedProxies: BlockList;
  isDev: boolean;
}

interface Known {
  /** Who is asking (see client-address.ts). */
  client: string;
  /** The route template, for logs and metrics. */
  route: string;
}

export type Admission =
  (Known & { kind: "answer"; response: Response }) | (Known & { kind: "pass"; pathname: string; verdict: Exclude<Verdict, { kind: "problem" }> });

/** Names of requests whose target never decoded. */
export const MALFORMED_ROUTE = "[malformed]";

function webHeaders(req: IncomingMessage): Headers | undefined {
  const headers = new Headers();
  try {
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    return headers;
  } catch {
    // Headers refuses values Node's parser let through (code points above U+00FF): the request is malformed.
    return undefined;
  }
}

function tooManyFailures(retryAfter: number): Response {
  const response = problemResponse(429, "Too many failed authentications", `this client sent too many wrong tokens; try again in ${retryAfter} s`);
  response.headers.set("retry-after", String(retryAfter));
  return response;
}

export function admit(req: IncomingMessage, options: FrontOptions): Admission {
  const client = clientAddress(req.socket.remoteAddress, req.headers, options.trustedProxies);
  const target = checkRequestTarget(req.url ?? "/");
  if (!target.ok) return { kind: "answer", client, route: MALFORMED_ROUTE, response: problemResponse(target.status, target.title, target.detail) };
  if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
    return { kind: "answer", client, route: MALFORMED_ROUTE, response: problemResponse(400, "Host header required", "HTTP/1.1 requests must name the Host") };
  }
  const { pathname } = target;
  const route = routeTemplate(pathname);
  const headers = webHeaders(req);
  if (headers === undefined) {
    return { kind: "answer", client, route, response: problemResponse(400, "Malformed header", "a header value holds characters HTTP does not allow") };
  }
  const method = req.method ?? "GET";
  const sendsBearer = /^bearer\s/i.test(headers.get("authorization") ?? "");
  const isLogin = method === "POST" && pathname === "/api/v1/login";
  if (options.token !== undefined && (sendsBearer || isLogin)) {
    const retryAfter = retryAfterSeconds(client);
    if (retryAfter !== undefined) return { kind: "answer", client, route, response: tooManyFailures(retryAfter) };
  }
  const verdict = checkRequest({ method, pathname, headers }, { token: options.token, isDev: options.isDev });
  // A wrong bearer token is a failed authentication whatever the path (a page would otherwise redirect to the login form).
  if (sendsBearer && (verdict.kind === "login" || (verdict.kind === "problem" && verdict.status === 401))) {
    noteAuthFailure(client);
    audit("bearer-failed", client, `${method} ${route}`);
    const response = problemResponse(401, "Authentication required", "the bearer token is not this agent's NSATLAS_TOKEN");
    response.headers.set("www-authenticate", 'Bearer realm="nsatlas", error="invalid_token"');
    return { kind: "answer", client, route, response };
  }
  if (verdict.kind === "problem") {
    const response = problemResponse(verdict.status, verdict.title, verdict.detail);
    for (const [name, value] of Object.entries(verdict.headers ?? {})) response.headers.set(name, value);
    return { kind: "answer", client, route, response };
  }
  return { kind: "pass", client, route, pathname, verdict };
}
