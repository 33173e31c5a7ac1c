/**
 * Hostile input, generated (fast-check): every route's path and query parameters, and snapshot
 * imports (malformed, huge, deeply nested, wrong types). Always an answer below 500 within the
 * timeout, API refusals as JSON problems, nothing written outside the data directory, and the
 * server still up at the end. Counts of cases tried are printed for the closing note.
 */
import fs from "node:fs";
import http from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problemSchema } from "../../server/contract/problem";
import { startDashboard, type DashboardServer } from "../e2e/helpers/dashboard-server";
import { labSnapshot } from "../fixtures/lab-snapshot";
import { labEnv } from "../lab/lab-env";
import { loadLabManifest } from "./helpers/lab-manifest";

let server: DashboardServer;
let runNetnsBefore: string[];
const tried: Record<string, number> = {};

beforeAll(async () => {
  server = await startDashboard({ ...labEnv(loadLabManifest()), NSATLAS_IMPORT_MAX_MB: "2", NSATLAS_RECORD_INTERVAL_MS: "0" });
  runNetnsBefore = fs.readdirSync("/run/netns").sort();
}, 300_000);
afterAll(async () => {
  console.log(`fuzz cases tried: ${JSON.stringify(tried)} (total ${Object.values(tried).reduce((a, b) => a + b, 0)})`);
  await server?.stop();
});

const NASTY = [
  "..",
  "../..",
  "%2e%2e",
  "%00",
  "\u0000",
  "<script>alert(1)</script>",
  "'; DROP TABLE snapshot; --",
  "a".repeat(5000),
  "../../etc/passwd",
  "\r\nx-injected: 1",
  "😀",
  "%",
  "?",
  "#",
  "4026531833",
  "1795949896003-4dcd58bb",
  "now",
  "nslab-app",
];
const segment = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom(...NASTY));
const enc = (s: string) => encodeURIComponent(s);

/**
 * A GET whose answer's headers outgrow fetch's 16 KiB limit (Next's redirect of an empty path segment repeats a
 * 10,000-character URL in Location and Refresh), read with a larger limit: only its status and Location matter.
 */
function getWithLargeHeaders(url: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { maxHeaderSize: 1 << 20, headers: { "x-nsatlas-request": "1" } }, (res) => {
      res.resume();
      const location = res.headers.location;
      resolve(new Response(null, { status: res.statusCode ?? 0, headers: location === undefined ? {} : { location } }));
    });
    req.on("error", reject);
  });
}

const isHeadersOverflow = (err: unknown) =>
  err instanceof TypeError && typeof err.cause === "object" && err.cause !== null && "code" in err.cause && err.cause.code === "UND_ERR_HEADERS_OVERFLOW";

async function hit(what: string, path: string, init: RequestInit = {}): Promise<Response> {
  tried[what] = (tried[what] ?? 0) + 1;
  const url = `${server.url}${path}`;
  const res = await fetch(url, {
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
    ...init,
    headers: { "x-nsatlas-request": "1", ...(init.headers ?? {}) },
  }).catch((err: unknown) => {
    if (isHeadersOverflow(err) && (init.method ?? "GET") === "GET") return getWithLargeHeaders(url);
    throw err;
  });
  expect([path.slice(0, 200), res.status < 500]).toEqual([path.slice(0, 200), true]);
  return res;
}

async function expectProblemOrJson(res: Response): Promise<void> {
  // `..` and empty segments are normalised by the URL itself: a redirect to the clean path is an answer.
  if (res.status >= 300 && res.status < 400) {
    expect(res.headers.get("location")).toBeTruthy();
    return;
  }
  const body: unknown = await res.json();
  if (res.status >= 400) {
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(problemSchema.safeParse(body).success).toBe(true);
  }
}

const API_GETS: [string, (a: string, b: string) => string][] = [
  ["netns", (a, b) => `/api/v1/netns/${enc(a)}?at=${enc(b)}`],
  ["pods", (a, b) => `/api/v1/pods/${enc(a)}/${enc(b)}`],
  ["containers", (a, b) => `/api/v1/containers/${enc(a)}?at=${enc(b)}`],
  ["snapshot", (a, b) => `/api/v1/snapshot?at=${enc(a)}&${enc(b)}=${enc(a)}`],
  ["snapshots/{id}", (a, b) => `/api/v1/snapshots/${enc(a)}?download=${enc(b)}`],
  ["diff", (a, b) => `/api/v1/diff?from=${enc(a)}&to=${enc(b)}`],
];

const PAGES: [string, (a: string, b: string) => string][] = [
  ["page netns", (a, b) => `/netns/${enc(a)}?at=${enc(b)}`],
  ["page pod", (a, b) => `/pods/${enc(a)}/${enc(b)}?since=${enc(b)}`],
  ["page container", (a, b) => `/containers/${enc(a)}?at=${enc(b)}`],
  ["page overview", (a, b) => `/?q=${enc(a)}&kind=${enc(b)}&sort=${enc(a)}&at=${enc(b)}`],
  ["page topology", (a, b) => `/topology?focus=${enc(a)}&sel=${enc(b)}&dir=${enc(a)}`],
  ["short link", (a, b) => `/s/${enc(a)}/${enc(b)}`],
];

describe("generated path and query parameters", () => {
  it.each(API_GETS)("GET %s: never a 5xx, refusals are JSON problems", async (what, build) => {
    await fc.assert(
      fc.asyncProperty(segment, segment, async (a, b) => {
        await expectProblemOrJson(await hit(what, build(a, b)));
      }),
      { numRuns: 150 },
    );
  });

  it.each(PAGES)("GET %s: the page answers (or redirects), never a 5xx", async (what, build) => {
    await fc.assert(
      fc.asyncProperty(segment, segment, async (a, b) => {
        const res = await hit(what, build(a, b));
        await res.arrayBuffer();
      }),
      { numRuns: 60 },
    );
  });

  it("POST expose/unexpose with generated bodies: 4xx problems (expose is off), nothing under /run/netns", async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.record({ target: segment, name: fc.option(segment) }).map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("/api/v1/expose", "/api/v1/unexpose"), async (text, path) => {
        const res = await hit("expose/unexpose", path, { method: "POST", body: text });
        expect(res.status).toBeGreaterThanOrEqual(400);
        await expectProblemOrJson(res);
      }),
      { numRuns: 150 },
    );
    expect(fs.readdirSync("/run/netns").sort()).toEqual(runNetnsBefore);
  });
});

describe("generated snapshot imports", () => {
  const snapshot = labSnapshot();
  const json = JSON.stringify(snapshot);
  /** The recorded snapshot with one field replaced by a generated value of any type. */
  const mutated = fc
    .tuple(fc.constantFrom("id", "takenAt", "node", "netns", "staleFiles", "runtimes", "timings", "anomalies"), fc.jsonValue({ maxDepth: 3 }))
    .map(([key, value]) => JSON.stringify({ ...snapshot, [key]: value }));
  const deepInterface = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify({ ...snapshot, netns: [{ ...snapshot.netns[0], interfaces: [value] }] }));
  const nested = fc.integer({ min: 1_000, max: 200_000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`);
  const cut = fc.integer({ min: 1, max: json.length - 1 }).map((at) => json.slice(0, at));
  const huge = fc.integer({ min: 2 * 1024 * 1024 + 1, max: 3 * 1024 * 1024 }).map((n) => `"${"x".repeat(n)}"`);
  const body = fc.oneof(fc.json({ maxDepth: 5 }), fc.string({ unit: "binary", maxLength: 500 }), mutated, deepInterface, nested, cut, huge);

  it("answers every generated file with a 4xx problem (or stores it when it is a valid snapshot), never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const res = await hit("import", "/api/v1/snapshots/import", { method: "POST", body: text });
        if (res.status !== 201) expect([413, 422]).toContain(res.status);
        await expectProblemOrJson(res);
      }),
      { numRuns: 250 },
    );
  });

  it("leaves only the store in the data directory, and the server up", async () => {
    const files = fs.readdirSync(server.dataDir);
    expect(files).toContain("nsatlas.db");
    expect(files.every((f) => f.startsWith("nsatlas.db"))).toBe(true);
    expect((await fetch(`${server.url}/api/v1/healthz`)).status).toBe(200);
  });
});
