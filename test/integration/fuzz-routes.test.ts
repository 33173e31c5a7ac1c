/**
 * Hostile input, generated (fast-check): every route's path and query parameters, and snapshot
 * imports (malformed, huge, deeply nested, wrong types). Always an answer below 500 within the
 * timeout, API refusals as JSON problems, nothing written outside the data directory, and the
 * server still up at the end. On both faces (the dashboard and the node agent), sent as raw bytes:
 * malformed percent-encoding, overlong UTF-8 and NUL bytes are 400 problems, very long paths an
 * answer (414/431 past the head limit), all with the security headers. Counts of cases tried are
 * printed for the closing note.
 */
import fs from "node:fs";
import http from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problemSchema } from "../../server/contract/problem";
import { startDashboard, type DashboardServer } from "../e2e/helpers/dashboard-server";
import { StartedServers } from "./helpers/started-servers";
import { labSnapshot } from "../fixtures/lab-snapshot";
import {
  encodedPieces,
  malformedEscape,
  missingSecurityHeaders,
  notAProblem,
  overlongUtf8,
  requestBytes,
  targetTemplates,
  undecodable,
  type Face,
} from "../hostile/hostile-requests";
import { sendRaw, type RawAnswer } from "../hostile/send-raw";
import { labEnv } from "../lab/lab-env";
import { startAgent, type AgentProcess } from "./helpers/agent-process";
import { loadLabManifest } from "./helpers/lab-manifest";

let server: DashboardServer;
let agent: AgentProcess;
let runNetnsBefore: string[];
const tried: Record<string, number> = {};

const servers = new StartedServers();

beforeAll(async () => {
  const env = labEnv(loadLabManifest());
  [server, agent] = await Promise.all([
    servers.track(startDashboard({ ...env, NSATLAS_IMPORT_MAX_MB: "2", NSATLAS_RECORD_INTERVAL_MS: "0" })),
    servers.track(startAgent({ ...env, NSATLAS_NODE_NAME: "fuzz-node" })),
  ]);
  runNetnsBefore = fs.readdirSync("/run/netns").sort();
}, 300_000);
afterAll(async () => {
  console.log(`fuzz cases tried: ${JSON.stringify(tried)} (total ${Object.values(tried).reduce((a, b) => a + b, 0)})`);
  await servers.stopAll();
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

/** The server of one face, as host, port and authority (the Host header: a loopback name, as neither has a token here). */
function faceTarget(face: Face): { host: string; port: number; authority: string } {
  const url = new URL(face === "dashboard" ? server.url : agent.url);
  return { host: url.hostname, port: Number(url.port), authority: url.host };
}

/**
 * Sends one request target as raw bytes (fetch would normalise it) and checks what every answer owes: an answer
 * within the timeout (no reset, no silent close), below 500, with the security headers.
 */
async function hitRaw(what: string, face: Face, target: string, bytes?: Buffer): Promise<RawAnswer> {
  tried[`${face} ${what}`] = (tried[`${face} ${what}`] ?? 0) + 1;
  const t = faceTarget(face);
  const outcome = await sendRaw(t, { bytes: bytes ?? requestBytes(t.authority, { target }), isHead: false, timeoutMs: 10_000 });
  const shown = target.slice(0, 200);
  expect([shown, outcome.kind]).toEqual([shown, "answer"]);
  if (outcome.kind !== "answer") throw new Error(`no answer to ${shown}`);
  expect([shown, outcome.answer.status < 500]).toEqual([shown, true]);
  expect([shown, missingSecurityHeaders(outcome.answer)]).toEqual([shown, []]);
  return outcome.answer;
}

/** A 400 application/problem+json answer. */
function expectProblem400(target: string, answer: RawAnswer): void {
  const shown = target.slice(0, 200);
  expect([shown, answer.status, notAProblem(answer)]).toEqual([shown, 400, undefined]);
}

// A failing case is reported as generated, without shrinking: against a server that times out, each shrinking step
// could cost the 10 s timeout.
const RAW_RUNS = { numRuns: 80, endOnFailure: true };

describe.each(["dashboard", "agent"] as const)("generated encodings on the %s (raw requests)", (face) => {
  const templates = targetTemplates(face);
  const anywhere = fc.constantFrom(...templates.path, ...templates.query);

  it("answers a malformed percent sequence anywhere in the path or query with a 400 problem", async () => {
    await fc.assert(
      fc.asyncProperty(anywhere, undecodable(malformedEscape), async (template, piece) => {
        const target = template.replace("{}", piece);
        expectProblem400(target, await hitRaw("malformed %", face, target));
      }),
      RAW_RUNS,
    );
  });

  it("answers an overlong UTF-8 sequence (e.g. %C0%AF for /) with a 400 problem", async () => {
    await fc.assert(
      fc.asyncProperty(anywhere, undecodable(overlongUtf8), async (template, piece) => {
        const target = template.replace("{}", piece);
        expectProblem400(target, await hitRaw("overlong UTF-8", face, target));
      }),
      RAW_RUNS,
    );
  });

  it("answers a NUL, percent-encoded anywhere or raw in the request target, with a 400 (a problem once it reaches the router)", async () => {
    await fc.assert(
      fc.asyncProperty(anywhere, undecodable(fc.constant("%00")), fc.boolean(), async (template, piece, isRaw) => {
        const target = template.replace("{}", piece);
        if (!isRaw) {
          expectProblem400(target, await hitRaw("NUL %00", face, target));
          return;
        }
        // A raw NUL never gets past the HTTP parser: its refusal is still a 400 with the security headers.
        const rawTarget = target.replace("%00", "\u0000");
        const t = faceTarget(face);
        const answer = await hitRaw(
          "NUL raw",
          face,
          rawTarget,
          Buffer.from(`GET ${rawTarget} HTTP/1.1\r\nHost: ${t.authority}\r\nConnection: close\r\n\r\n`, "latin1"),
        );
        expect([rawTarget.slice(0, 200), answer.status]).toEqual([rawTarget.slice(0, 200), 400]);
      }),
      RAW_RUNS,
    );
  });

  it("answers very long paths (4-80 KiB) below 500 with the security headers; past the 16 KiB head limit with 400, 414 or 431", async () => {
    const unit = fc.oneof(
      fc.constantFrom("a", "9", "%41", "a/", "../", "%2e%2e%2f", "%C3%A9"),
      encodedPieces.map((p) => p.join("")).filter((p) => p.length > 0),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...templates.path), unit, fc.integer({ min: 4 * 1024, max: 80 * 1024 }), async (template, piece, size) => {
        const target = template.replace("{}", piece.repeat(Math.ceil(size / piece.length)));
        const answer = await hitRaw("long path", face, target);
        if (target.length > 16 * 1024) expect([target.slice(0, 100), [400, 414, 431].includes(answer.status)]).toEqual([target.slice(0, 100), true]);
      }),
      { numRuns: 30, endOnFailure: true },
    );
  });
});
