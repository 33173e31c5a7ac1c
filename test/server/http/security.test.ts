import { describe, expect, it } from "vitest";
import { login, safeNext } from "../../../server/http/login";
import { checkRequest, contentSecurityPolicy, sameSecret, securityHeaders, SESSION_COOKIE, sessionValue, type FrontDoor } from "../../../server/http/security";

const TOKEN = "correct-horse-battery-staple";
const open: FrontDoor = { token: undefined, isDev: false };
const guarded: FrontDoor = { token: TOKEN, isDev: false };
const req = (method: string, pathname: string, headers: Record<string, string> = {}) => ({
  method,
  pathname,
  headers: new Headers({ host: "127.0.0.1:3000", ...headers }),
});

describe("the front door without a token (loopback only)", () => {
  it("answers loopback names and refuses others (DNS rebinding)", () => {
    for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "127.0.0.1"]) expect(checkRequest(req("GET", "/", { host }), open).kind).toBe("pass");
    expect(checkRequest(req("GET", "/api/v1/snapshot", { host: "evil.example:3000" }), open)).toMatchObject({ kind: "problem", status: 421 });
  });

  it("refuses a write without the dashboard's header, or from another origin", () => {
    expect(checkRequest(req("POST", "/api/v1/snapshots"), open)).toMatchObject({ kind: "problem", status: 403 });
    expect(checkRequest(req("POST", "/api/v1/snapshots", { "x-nsatlas-request": "1" }), open).kind).toBe("pass");
    expect(checkRequest(req("POST", "/api/v1/snapshots", { "x-nsatlas-request": "1", origin: "http://evil.example" }), open)).toMatchObject({ status: 403 });
    expect(checkRequest(req("POST", "/api/v1/expose", { "x-nsatlas-request": "1", "sec-fetch-site": "cross-site" }), open)).toMatchObject({ status: 403 });
    expect(
      checkRequest(req("POST", "/api/v1/expose", { "x-nsatlas-request": "1", origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }), open).kind,
    ).toBe("pass");
  });
});

describe("the front door with a token", () => {
  it("sends pages to the login form and API calls a 401 with WWW-Authenticate", () => {
    expect(checkRequest(req("GET", "/pods/shop/web-0"), guarded)).toEqual({ kind: "login", next: "/pods/shop/web-0" });
    const api = checkRequest(req("GET", "/api/v1/snapshot"), guarded);
    expect(api).toMatchObject({ kind: "problem", status: 401, headers: { "www-authenticate": 'Bearer realm="nsatlas"' } });
    expect(checkRequest(req("POST", "/api/v1/snapshots", { "x-nsatlas-request": "1" }), guarded)).toMatchObject({ status: 401 });
  });

  it("lets in a bearer token and a session cookie, not a wrong one, on any host", () => {
    expect(checkRequest(req("GET", "/api/v1/snapshot", { authorization: `Bearer ${TOKEN}`, host: "node-7:3000" }), guarded)).toEqual({
      kind: "pass",
      auth: "bearer",
    });
    expect(checkRequest(req("GET", "/", { cookie: `a=b; ${SESSION_COOKIE}=${sessionValue(TOKEN)}` }), guarded)).toEqual({ kind: "pass", auth: "session" });
    expect(checkRequest(req("GET", "/api/v1/snapshot", { authorization: `Bearer ${TOKEN}x` }), guarded).kind).toBe("problem");
    expect(checkRequest(req("GET", "/", { cookie: `${SESSION_COOKIE}=${TOKEN}` }), guarded).kind).toBe("login");
  });

  it("needs no CSRF header with a bearer token, but does with a cookie", () => {
    expect(checkRequest(req("POST", "/api/v1/snapshots", { authorization: `Bearer ${TOKEN}` }), guarded).kind).toBe("pass");
    expect(checkRequest(req("POST", "/api/v1/snapshots", { cookie: `${SESSION_COOKIE}=${sessionValue(TOKEN)}` }), guarded)).toMatchObject({ status: 403 });
  });

  it("keeps the login page and its assets public, and the login form same-origin only", () => {
    for (const p of ["/login", "/_next/static/chunks/app.js", "/icon.svg"])
      expect(checkRequest(req("GET", p), guarded)).toEqual({ kind: "pass", auth: "public" });
    expect(checkRequest(req("POST", "/api/v1/login", { origin: "http://127.0.0.1:3000" }), guarded).kind).toBe("pass");
    expect(checkRequest(req("POST", "/api/v1/login", { origin: "http://evil.example" }), guarded)).toMatchObject({ status: 403 });
  });
});

describe("secrets, sessions and headers", () => {
  it("compares secrets by value whatever their lengths", () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(sameSecret("", TOKEN)).toBe(false);
  });

  it("sets an HttpOnly, SameSite=Strict cookie that is not the token", () => {
    const cookie = login(TOKEN, TOKEN, false) ?? "";
    expect(cookie).toMatch(/^nsatlas_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(TOKEN);
    expect(login(TOKEN, TOKEN, true)).toContain("; Secure");
    expect(login("wrong", TOKEN, false)).toBeUndefined();
  });

  it("sends the browser back only to a path of this agent", () => {
    expect(safeNext("/pods/shop/web-0?at=1")).toBe("/pods/shop/web-0?at=1");
    for (const bad of ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", null]) expect(safeNext(bad)).toBe("/");
  });

  it("has a CSP without unsafe-eval in production, nonce'd scripts, and no framing", () => {
    const csp = contentSecurityPolicy("abc", false);
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy("abc", true)).toContain("'unsafe-eval'");
    expect(securityHeaders("abc", false)).toMatchObject({ "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY" });
  });
});

describe("a browser's form post under Referrer-Policy no-referrer", () => {
  it("is same-origin by Sec-Fetch-Site even though its Origin is null", () => {
    expect(checkRequest(req("POST", "/api/v1/login", { origin: "null", "sec-fetch-site": "same-origin" }), guarded).kind).toBe("pass");
    expect(checkRequest(req("POST", "/api/v1/login", { origin: "null" }), guarded)).toMatchObject({ status: 403 });
  });
});
