/**
 * The agent's front door, as pure functions over a request (proxy.ts applies them to every request):
 * who may in (a token, when one is configured; loopback Host names only, when not), which writes are
 * the dashboard's own (CSRF), and the security headers of every response.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { WRITE_HEADER } from "../contract/headers";

export const SESSION_COOKIE = "nsatlas_session";
/** Set by the proxy for the routes (never taken from the client): how the request got in. */
export const AUTH_HEADER = "x-nsatlas-auth";
export const NONCE_HEADER = "x-nonce";

export interface FrontDoor {
  /** NSATLAS_TOKEN; undefined on a loopback-only agent. */
  token: string | undefined;
  /** `next dev` needs eval for fast refresh; production never allows it. */
  isDev: boolean;
}

export interface RequestFacts {
  method: string;
  pathname: string;
  headers: Headers;
}

export type Verdict =
  | { kind: "pass"; auth: "bearer" | "session" | "local" | "public" }
  | { kind: "problem"; status: number; title: string; detail: string; headers?: Record<string, string> }
  | { kind: "login"; next: string };

/** Paths anyone may load: the login page and its assets, and the liveness and readiness probes. */
const PUBLIC = [/^\/_next\/static\//, /^\/login$/, /^\/api\/v1\/login$/, /^\/icon\.svg$/, /^\/favicon\.ico$/, /^\/livez$/, /^\/readyz$/];
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const LOOPBACK_HOST = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])(:\d{1,5})?$/i;

/** The cookie value for a token: an HMAC, so the cookie never carries the token itself. */
export function sessionValue(token: string): string {
  return createHmac("sha256", token).update("nsatlas session v1").digest("base64url");
}

/** Compares secrets in constant time (over digests, so lengths do not leak either). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHmac("sha256", "nsatlas compare").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function cookie(headers: Headers, name: string): string | undefined {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/** Who is asking: a bearer token, a session cookie, or nobody. */
function authenticate(headers: Headers, token: string): "bearer" | "session" | undefined {
  const bearer = /^Bearer (.+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (bearer !== undefined && sameSecret(bearer, token)) return "bearer";
  const session = cookie(headers, SESSION_COOKIE);
  if (session !== undefined && sameSecret(session, sessionValue(token))) return "session";
  return undefined;
}

/** Does the browser say this request comes from a page of this very agent? */
function isSameOrigin(headers: Headers): boolean {
  // Browsers send Sec-Fetch-Site on every request; with Referrer-Policy no-referrer their form posts
  // carry "Origin: null", so Sec-Fetch-Site decides when present, the Origin header otherwise.
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const origin = headers.get("origin");
  if (origin === null) return true;
  try {
    return new URL(origin).host === headers.get("host");
  } catch {
    return false;
  }
}

export function checkRequest(request: RequestFacts, door: FrontDoor): Verdict {
  const { method, pathname, headers } = request;
  const isApi = pathname.startsWith("/api/");
  // Without a token the agent answers only to loopback names: a DNS-rebinding page gets nothing.
  if (door.token === undefined && !LOOPBACK_HOST.test(headers.get("host") ?? "")) {
    return { kind: "problem", status: 421, title: "Host not allowed", detail: "this agent answers only on 127.0.0.1/localhost unless NSATLAS_TOKEN is set" };
  }
  let auth: "bearer" | "session" | "local" | "public" = "local";
  if (door.token !== undefined) {
    if (PUBLIC.some((p) => p.test(pathname))) auth = "public";
    else {
      const who = authenticate(headers, door.token);
      if (who === undefined) {
        if (!isApi && (method === "GET" || method === "HEAD")) return { kind: "login", next: pathname };
        return {
          kind: "problem",
          status: 401,
          title: "Authentication required",
          detail: "send Authorization: Bearer <NSATLAS_TOKEN>, or log in at /login",
          headers: { "www-authenticate": 'Bearer realm="nsatlas"' },
        };
      }
      auth = who;
    }
  }
  if (UNSAFE.has(method) && auth !== "bearer") {
    // The login form is a plain HTML form: it cannot send the header, so it must come from this origin.
    const isLogin = pathname === "/api/v1/login" || pathname === "/api/v1/logout";
    if (!isSameOrigin(headers) || (!isLogin && headers.get(WRITE_HEADER) !== "1")) {
      return {
        kind: "problem",
        status: 403,
        title: "Cross-site write refused",
        detail: `writes must come from the dashboard (header ${WRITE_HEADER}: 1, same origin) or carry a bearer token`,
      };
    }
  }
  return { kind: "pass", auth };
}

export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/** Scripts only from this agent and with this response's nonce; no eval in production; never framed. */
export function contentSecurityPolicy(nonce: string, isDev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    // React Flow positions nodes with style attributes.
    "style-src 'self' 'unsafe-inline'",
    // Exports draw the graph through blob: and data: images.
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${isDev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function securityHeaders(nonce: string, isDev: boolean): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(nonce, isDev),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), usb=(), payment=()",
  };
}
