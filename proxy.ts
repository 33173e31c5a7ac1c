/**
 * Next.js runs this before every request (a root file because Next looks for it here): the front
 * door of server/http/security.ts (token or loopback, CSRF) and the security headers, with a fresh
 * CSP nonce that Next puts on its own scripts and the layout on the theme script.
 */
import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "./server/config";
import { AUTH_HEADER, checkRequest, NONCE_HEADER, newNonce, securityHeaders } from "./server/http/security";

export function proxy(request: NextRequest): NextResponse {
  const isDev = process.env.NODE_ENV === "development";
  const nonce = newNonce();
  const headers = securityHeaders(nonce, isDev);
  const verdict = checkRequest({ method: request.method, pathname: request.nextUrl.pathname, headers: request.headers }, { token: getConfig().token, isDev });
  let response: NextResponse;
  if (verdict.kind === "problem") {
    response = NextResponse.json(
      { type: "about:blank", title: verdict.title, status: verdict.status, detail: verdict.detail },
      { status: verdict.status, headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...verdict.headers } },
    );
  } else if (verdict.kind === "login") {
    const login = new URL("/login", request.url);
    login.searchParams.set("next", verdict.next);
    response = NextResponse.redirect(login, 303);
  } else {
    const forwarded = new Headers(request.headers);
    // The routes learn how the request got in from the proxy only, never from the client.
    forwarded.set(AUTH_HEADER, verdict.auth);
    forwarded.set(NONCE_HEADER, nonce);
    forwarded.set("content-security-policy", headers["content-security-policy"] ?? "");
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = { matcher: "/:path*" };
