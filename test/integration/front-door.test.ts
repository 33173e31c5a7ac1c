/**
 * The agent's front door on the real server: a token guards every page and API route (bearer for the
 * API, a login form and an HttpOnly SameSite=Strict cookie for the UI), writes need the dashboard's
 * header, every response carries the security headers, and a non-loopback address without a token
 * refuses to start.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problemSchema } from "../../server/contract/problem";
import { startDashboard, type DashboardServer } from "../e2e/helpers/dashboard-server";
import { labEnv } from "../lab/lab-env";
import { loadLabManifest } from "./helpers/lab-manifest";

const TOKEN = "t7-front-door-token-0123456789";
let server: DashboardServer;

beforeAll(async () => {
  server = await startDashboard({ ...labEnv(loadLabManifest()), NSATLAS_TOKEN: TOKEN, NSATLAS_RECORD_INTERVAL_MS: "0" });
}, 300_000);
afterAll(async () => server?.stop());

const raw = (p: string, init: RequestInit = {}) => fetch(`${server.url}${p}`, { redirect: "manual", ...init });
const bearer = { authorization: `Bearer ${TOKEN}` };

/** Every route in app/, with sample parameters: new routes are covered without editing this test. */
function everyRoute(): { path: string; isApi: boolean; methods: string[] }[] {
  const root = path.resolve("app");
  const sample: Record<string, string> = {
    "[netnsId]": "4026531833",
    "[namespace]": "nslab-shop",
    "[name]": "cart-0",
    "[nameOrId]": "nslab-app",
    "[snapshotId]": "1-aa",
    "[[...rest]]": "",
  };
  const found: { path: string; isApi: boolean; methods: string[] }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "page.tsx" || entry.name === "route.ts") {
        const segments = path
          .relative(root, dir)
          .split(path.sep)
          .filter(Boolean)
          .map((s) => sample[s] ?? s);
        const url = `/${segments.filter(Boolean).join("/")}`;
        const methods =
          entry.name === "page.tsx" ? ["GET"] : [...fs.readFileSync(full, "utf8").matchAll(/export async function (GET|POST)/g)].map((m) => m[1] ?? "GET");
        found.push({ path: url, isApi: entry.name === "route.ts", methods });
      }
    }
  };
  walk(root);
  return found;
}

describe("with NSATLAS_TOKEN set", () => {
  it("guards every page and API route (found in app/)", async () => {
    const routes = everyRoute();
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      for (const method of route.methods) {
        if (route.path === "/login" || route.path === "/api/v1/login") continue;
        const res = await raw(route.path, { method, headers: { "x-nsatlas-request": "1" } });
        if (route.isApi || method !== "GET") {
          expect([route.path, method, res.status]).toEqual([route.path, method, 401]);
          expect(problemSchema.safeParse(await res.json()).success).toBe(true);
        } else {
          expect([route.path, res.status]).toEqual([route.path, 303]);
          expect(res.headers.get("location")).toContain(`/login?next=${encodeURIComponent(route.path).replace(/%2F/g, "%2F")}`);
        }
      }
    }
  });

  it("takes the token as a bearer header, and refuses a wrong one", async () => {
    expect((await raw("/api/v1/snapshot", { headers: bearer })).status).toBe(200);
    expect((await raw("/api/v1/snapshot", { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` } })).status).toBe(401);
    // A bearer write needs no CSRF header: browsers never attach it on their own.
    expect((await raw("/api/v1/snapshots", { method: "POST", headers: bearer })).status).toBe(201);
  });

  it("logs in through the form: an HttpOnly SameSite=Strict cookie that opens pages and the API", async () => {
    const failed = await raw("/api/v1/login", { method: "POST", body: new URLSearchParams({ token: "nope-nope-nope-nope", next: "/topology" }) });
    expect(failed.status).toBe(303);
    expect(failed.headers.get("location")).toBe("/login?error=1&next=%2Ftopology");
    expect(failed.headers.get("set-cookie")).toBeNull();

    const ok = await raw("/api/v1/login", { method: "POST", body: new URLSearchParams({ token: TOKEN, next: "//evil.example/x" }) });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/");
    const setCookie = ok.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^nsatlas_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(";")[0] ?? "";
    expect((await raw("/topology", { headers: { cookie } })).status).toBe(200);
    expect((await raw("/api/v1/snapshot", { headers: { cookie } })).status).toBe(200);
    // With the cookie, a write still needs the dashboard's header.
    expect((await raw("/api/v1/snapshots", { method: "POST", headers: { cookie } })).status).toBe(403);
    expect((await raw("/api/v1/snapshots", { method: "POST", headers: { cookie, "x-nsatlas-request": "1" } })).status).toBe(201);
    const out = await raw("/api/v1/logout", { method: "POST", headers: { cookie } });
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
  });

  it("puts the security headers on pages, API answers, refusals, static files and 404s", async () => {
    const page = await raw("/login");
    const html = await page.text();
    const asset = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    for (const res of [
      page,
      await raw("/api/v1/snapshot", { headers: bearer }),
      await raw("/api/v1/snapshot"),
      await raw(asset ?? "/"),
      await raw("/no-such-page", { headers: bearer }),
    ]) {
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/script-src 'self' 'nonce-[\w+/=]+' 'strict-dynamic'/);
      expect(csp).not.toContain("unsafe-eval");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
    // The theme script carries this response's nonce (and so runs under the CSP).
    const nonce = /'nonce-([\w+/=]+)'/.exec(page.headers.get("content-security-policy") ?? "")?.[1] ?? "";
    expect(html).toContain(`nonce="${nonce}"`);
  });
});

describe("starting on a network address", () => {
  it("refuses without a token, naming the setting", () => {
    const { NSATLAS_TOKEN: _unset, ...env } = process.env;
    const r = spawnSync(process.execPath, ["--import", "tsx", "server/bin/start.ts"], {
      encoding: "utf8",
      env: { ...env, NSATLAS_HOST: "0.0.0.0" },
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    // The refusal is a log line like every other (JSON on stdout).
    const line: unknown = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "");
    expect(line).toMatchObject({ level: "fatal", msg: "invalid configuration", err: { message: expect.stringContaining("NSATLAS_TOKEN") } });
  });
});
