/**
 * Issue 16 "Bad input and limits": 300 generated hostile requests (test/hostile/hostile-requests.ts, fixed seed)
 * sent as raw bytes to a started dashboard and a started node agent, both with a token. Every request gets an
 * answer (no timeout, no reset, no close without a word), none is a 5xx, every answer carries the security
 * headers, an undecodable path or query is a 400 problem, nothing leaks a file or the token, and wrong tokens
 * are throttled per socket peer (429 + Retry-After past 10 a minute) whatever X-Forwarded-For/Forwarded say,
 * unless the peer is a trusted proxy. The category → status histogram is printed for the closing note.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDashboard, type DashboardServer } from "../e2e/helpers/dashboard-server";
import { StartedServers } from "./helpers/started-servers";
import {
  generateHostileRequests,
  formatHistogram,
  histogram,
  missingSecurityHeaders,
  notAProblem,
  outcomeKey,
  requestBytes,
  sendHostileRequests,
  UNDECODABLE,
  violations,
  type Face,
  type HostileResult,
} from "../hostile/hostile-requests";
import { header, sendRaw, type RawAnswer, type RawOutcome } from "../hostile/send-raw";
import { labEnv } from "../lab/lab-env";
import { startAgent, type AgentProcess } from "./helpers/agent-process";
import { loadLabManifest } from "./helpers/lab-manifest";

const TOKEN = "hostile-suite-token-0123456789";
const SEED = 16;
const COUNT = 300;
/** Loopback addresses to send from: the server tells peers apart by them (Linux routes all of 127/8 to lo). */
const PEER = {
  clean: "127.0.0.1",
  wrongToken: "127.0.0.2",
  other: "127.0.0.3",
  wrongLogin: "127.0.0.4",
  odd: "127.0.0.5",
  burst: "127.0.0.6",
  loginBurst: "127.0.0.7",
  proxy: "127.0.0.9",
} as const;
const MAX_FAILURES = 10;

interface Target {
  host: string;
  port: number;
  authority: string;
}
const targetOf = (url: string): Target => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), authority: u.host };
};

let dashboard: DashboardServer | undefined;
let agent: AgentProcess | undefined;
let proxied: AgentProcess | undefined;
const targets = new Map<Face, Target>();
const runs = new Map<Face, { results: HostileResult[]; ms: number }>();
const startedAt = Date.now();
const servers = new StartedServers();

/** The results of one face's run (the run happens in beforeAll). */
function resultsOf(face: Face): HostileResult[] {
  const run = runs.get(face);
  if (run === undefined) throw new Error(`no run for the ${face}`);
  return run.results;
}

function targetOfFace(face: Face): Target {
  const target = targets.get(face);
  if (target === undefined) throw new Error(`no ${face} started`);
  return target;
}

const describeResult = ({ request }: HostileResult, what: string) => `${request.category} #${request.id} ${request.label.slice(0, 90)}: ${what}`;

/** At most 60 lines of a failure list (and how many more there were), for readable assertion output. */
const capped = (lines: string[]) => (lines.length > 60 ? [...lines.slice(0, 60), `... and ${lines.length - 60} more`] : lines);

const answerOf = (outcome: RawOutcome): RawAnswer | undefined => (outcome.kind === "answer" ? outcome.answer : undefined);

/** One ordinary request from a given peer. */
async function ask(
  target: Target,
  peer: string,
  path: string,
  headers: [string, string][],
  init: { method?: string; body?: string } = {},
): Promise<RawOutcome> {
  return sendRaw(
    { host: target.host, port: target.port, localAddress: peer },
    { bytes: requestBytes(target.authority, { target: path, headers, ...init }), isHead: false, timeoutMs: 10_000 },
  );
}

const bearer = (token: string): [string, string] => ["Authorization", `Bearer ${token}`];

/** The status of an outcome, or what happened instead ("timeout", "reset", ...). */
const statusOf = (outcome: RawOutcome): number | string => (outcome.kind === "answer" ? outcome.answer.status : outcome.kind);

/** 10 failures answered as failures, then 429s: the throttle's sequence for n attempts from one client. */
const throttledSequence = (n: number, failure: number) => Array.from({ length: n }, (_, i) => (i < MAX_FAILURES ? failure : 429));

/** The Retry-After of every 429 among the outcomes that is not a number of seconds within the minute. */
function badRetryAfters(outcomes: RawOutcome[]): string[] {
  return outcomes
    .map(answerOf)
    .filter((a): a is RawAnswer => a?.status === 429)
    .map((a) => header(a, "retry-after") ?? "(none)")
    .filter((v) => !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 60);
}

beforeAll(async () => {
  const env = { ...labEnv(loadLabManifest()), NSATLAS_TOKEN: TOKEN };
  [dashboard, agent, proxied] = await Promise.all([
    servers.track(startDashboard({ ...env, NSATLAS_RECORD_INTERVAL_MS: "0" })),
    servers.track(startAgent(env)),
    servers.track(startAgent({ ...env, NSATLAS_TRUSTED_PROXIES: PEER.proxy })),
  ]);
  targets.set("dashboard", targetOf(dashboard.url));
  targets.set("agent", targetOf(agent.url));
  console.log(`hostile: servers up in ${Date.now() - startedAt} ms`);

  // A real session cookie (the login form), for the dashboard's cross-site cases.
  const login = await ask(targetOfFace("dashboard"), PEER.clean, "/api/v1/login", [["Content-Type", "application/x-www-form-urlencoded"]], {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN, next: "/" }).toString(),
  });
  const loginAnswer = answerOf(login);
  const sessionCookie = loginAnswer === undefined ? undefined : header(loginAnswer, "set-cookie")?.split(";")[0];
  expect(sessionCookie).toMatch(/^nsatlas_session=/);

  const peers = { clean: PEER.clean, wrongToken: PEER.wrongToken, wrongLogin: PEER.wrongLogin, odd: PEER.odd };
  await Promise.all(
    (["dashboard", "agent"] as const).map(async (face) => {
      const target = targetOfFace(face);
      const requests = generateHostileRequests({ face, authority: target.authority, token: TOKEN, sessionCookie, peers }, { seed: SEED, count: COUNT });
      const started = Date.now();
      const results = await sendHostileRequests(requests, target, { concurrency: 8, timeoutMs: 10_000 });
      runs.set(face, { results, ms: Date.now() - started });
    }),
  );
}, 300_000);

afterAll(async () => {
  for (const [face, run] of runs) {
    console.log(formatHistogram(`hostile histogram, ${face} (${run.results.length} requests in ${run.ms} ms):`, histogram(run.results)));
    // What fails against the target behaviour, per category: the closing note's "before" column.
    const byCategory = new Map<string, Map<string, number>>();
    for (const result of run.results) {
      for (const v of violations(result.request, result.outcome, TOKEN)) {
        const kinds = byCategory.get(result.request.category) ?? new Map<string, number>();
        const kind = v.replace(/\d{4,}/g, "N").replace(/Allow ".*" lacks/, "Allow lacks");
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        byCategory.set(result.request.category, kinds);
      }
    }
    const lines = [...byCategory].map(([c, kinds]) => `  ${c}: ${[...kinds].map(([k, n]) => `${n}× ${k}`).join("; ")}`);
    console.log([`hostile violations, ${face}:`, ...(lines.length > 0 ? lines : ["  none"])].join("\n"));
  }
  console.log(`hostile: whole file ${Date.now() - startedAt} ms`);
  await servers.stopAll();
});

describe.each(["dashboard", "agent"] as const)("%s: 300 hostile requests", (face) => {
  it("sent all 300, in every category the face has", () => {
    const results = resultsOf(face);
    expect(results).toHaveLength(COUNT);
    expect(new Set(results.map((r) => r.request.category)).size).toBeGreaterThanOrEqual(14);
  });

  it("answers every one within 10 s: no timeout, no reset, no close without an answer", () => {
    const results = resultsOf(face);
    expect(results.length).toBeGreaterThan(0);
    const unanswered = results
      .filter((r) => r.outcome.kind !== "answer")
      .map((r) => describeResult(r, `${outcomeKey(r.outcome)}${"error" in r.outcome ? ` (${r.outcome.error})` : ""}`));
    expect(capped(unanswered)).toEqual([]);
  });

  it("never answers with a 5xx", () => {
    const answered = resultsOf(face).filter((r) => r.outcome.kind === "answer");
    expect(answered.length).toBeGreaterThan(0);
    const fives = answered.filter((r) => (answerOf(r.outcome)?.status ?? 0) >= 500).map((r) => describeResult(r, outcomeKey(r.outcome)));
    expect(capped(fives)).toEqual([]);
  });

  it("puts the security headers on every answer (parser refusals and throttled answers included)", () => {
    const answered = resultsOf(face).flatMap((r) => {
      const answer = answerOf(r.outcome);
      return answer === undefined ? [] : [{ r, answer }];
    });
    expect(answered.length).toBeGreaterThan(0);
    const missing = answered
      .map(({ r, answer }) => ({ r, answer, missing: missingSecurityHeaders(answer) }))
      .filter(({ missing }) => missing.length > 0)
      .map(({ r, answer, missing }) => describeResult(r, `${answer.status} lacks ${missing.join(", ")}`));
    expect(capped(missing)).toEqual([]);
  });

  it("answers every undecodable path or query (malformed %, overlong UTF-8, NUL) with a 400 problem", () => {
    const undecodable = resultsOf(face).filter((r) => UNDECODABLE.has(r.request.category));
    expect(undecodable.length).toBeGreaterThan(40);
    const wrong = undecodable.flatMap((r) => {
      const answer = answerOf(r.outcome);
      if (answer === undefined) return [describeResult(r, outcomeKey(r.outcome))];
      if (answer.status !== 400) return [describeResult(r, `status ${answer.status}`)];
      const why = r.request.isHead ? undefined : notAProblem(answer);
      return why === undefined ? [] : [describeResult(r, why)];
    });
    expect(capped(wrong)).toEqual([]);
  });

  it("meets each category's target: 405 + Allow for other methods (agent), 403 cross-site, 400 bad JSON, parser refusals as 4xx", () => {
    const others = resultsOf(face).filter((r) => !UNDECODABLE.has(r.request.category) && r.outcome.kind === "answer");
    expect(others.length).toBeGreaterThan(0);
    // Headers, 5xx, leaks and missing answers have tests of their own: here only statuses, problem bodies and Allow.
    const wrong = others.flatMap((r) =>
      violations(r.request, r.outcome, TOKEN)
        .filter((v) => v.startsWith("status") || v.startsWith("not a problem") || v.startsWith("Allow") || v.startsWith("429 without"))
        .map((v) => describeResult(r, v)),
    );
    expect(capped(wrong)).toEqual([]);
  });

  it("never reads a file for a traversal, and never shows the token or a file in any answer", () => {
    const results = resultsOf(face);
    expect(results.filter((r) => r.request.category === "traversal").length).toBeGreaterThan(10);
    const leaks = results.flatMap((r) =>
      violations(r.request, r.outcome, TOKEN)
        .filter((v) => v.startsWith("leaks"))
        .map((v) => describeResult(r, v)),
    );
    expect(leaks).toEqual([]);
  });

  it("throttles the peer with wrong bearer tokens after 10, whatever X-Forwarded-For/Forwarded say: 401 ×10, then 429 + Retry-After", () => {
    const lane = resultsOf(face).filter((r) => r.request.lane === "wrongToken");
    expect(lane.length).toBeGreaterThan(MAX_FAILURES);
    expect(lane.map((r) => statusOf(r.outcome))).toEqual(throttledSequence(lane.length, 401));
    expect(badRetryAfters(lane.map((r) => r.outcome))).toEqual([]);
  });
});

describe("dashboard: failed logins", () => {
  it("throttles a peer's wrong logins after 10 whatever X-Forwarded-For/Forwarded say: 303 ×10, then 429 + Retry-After", () => {
    const lane = resultsOf("dashboard").filter((r) => r.request.lane === "wrongLogin");
    expect(lane.length).toBeGreaterThan(MAX_FAILURES);
    expect(lane.map((r) => statusOf(r.outcome))).toEqual(throttledSequence(lane.length, 303));
    expect(badRetryAfters(lane.map((r) => r.outcome))).toEqual([]);
  });

  it("keeps the count per peer: 11 wrong logins from one address, then another address's wrong login is a plain failure", async () => {
    const target = targetOfFace("dashboard");
    const form = (i: number) => new URLSearchParams({ token: `not-the-token-${i}-0123456789`, next: "/" }).toString();
    const burst: RawOutcome[] = [];
    for (let i = 0; i <= MAX_FAILURES; i++) {
      const spoof: [string, string] = i % 2 === 0 ? ["X-Forwarded-For", `203.0.113.${i + 1}`] : ["Forwarded", `for=198.51.100.${i + 1}`];
      burst.push(
        await ask(target, PEER.loginBurst, "/api/v1/login", [["Content-Type", "application/x-www-form-urlencoded"], spoof], { method: "POST", body: form(i) }),
      );
    }
    const other = await ask(target, PEER.other, "/api/v1/login", [["Content-Type", "application/x-www-form-urlencoded"]], { method: "POST", body: form(99) });
    expect([...burst.map(statusOf), statusOf(other)]).toEqual([...throttledSequence(MAX_FAILURES + 1, 303), 303]);
    expect(badRetryAfters(burst)).toEqual([]);
    const otherAnswer = answerOf(other);
    expect(otherAnswer === undefined ? undefined : header(otherAnswer, "location")).toContain("error=1");
  });
});

describe.each(["dashboard", "agent"] as const)("%s: the throttle is per socket peer", (face) => {
  it("11 wrong tokens with rotating X-Forwarded-For/Forwarded from one address: 429 + Retry-After; another address still gets 401 and 200", async () => {
    const target = targetOfFace(face);
    const burst: RawOutcome[] = [];
    for (let i = 0; i <= MAX_FAILURES; i++) {
      const spoof: [string, string][] =
        i % 3 === 0
          ? [["X-Forwarded-For", `203.0.113.${i + 1}`]]
          : i % 3 === 1
            ? [["Forwarded", `for=198.51.100.${i + 1}`]]
            : [["X-Real-IP", `192.0.2.${i + 1}`]];
      burst.push(await ask(target, PEER.burst, "/api/v1/healthz", [bearer(`wrong-token-${i}-0123456789`), ...spoof]));
    }
    const otherWrong = await ask(target, PEER.other, "/api/v1/healthz", [bearer("wrong-token-other-0123456789")]);
    const otherRight = await ask(target, PEER.other, "/api/v1/healthz", [bearer(TOKEN)]);
    expect([...burst.map(statusOf), statusOf(otherWrong), statusOf(otherRight)]).toEqual([...throttledSequence(MAX_FAILURES + 1, 401), 401, 200]);
    expect(badRetryAfters(burst)).toEqual([]);
    const throttled = burst.map(answerOf).filter((a): a is RawAnswer => a?.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.flatMap(missingSecurityHeaders)).toEqual([]);
    // Not asserted (the brief leaves it open): whether the right token from a throttled address is let in.
    const rightWhileThrottled = await ask(target, PEER.burst, "/api/v1/healthz", [bearer(TOKEN)]);
    console.log(`hostile: ${face}: the right token from a throttled peer got ${statusOf(rightWhileThrottled)}`);
  });
});

describe("agent behind a trusted proxy (NSATLAS_TRUSTED_PROXIES=127.0.0.9)", () => {
  it("keys the proxy's clients by X-Forwarded-For: one client throttled after 10, another client through the same proxy unaffected", async () => {
    if (proxied === undefined) throw new Error("no proxied agent");
    const target = targetOf(proxied.url);
    const burst: RawOutcome[] = [];
    for (let i = 0; i <= MAX_FAILURES; i++) {
      burst.push(await ask(target, PEER.proxy, "/api/v1/healthz", [bearer(`wrong-token-${i}-0123456789`), ["X-Forwarded-For", "198.51.100.7"]]));
    }
    const otherWrong = await ask(target, PEER.proxy, "/api/v1/healthz", [bearer("wrong-token-other-0123456789"), ["X-Forwarded-For", "198.51.100.8"]]);
    const otherRight = await ask(target, PEER.proxy, "/api/v1/healthz", [bearer(TOKEN), ["X-Forwarded-For", "198.51.100.8"]]);
    expect([...burst.map(statusOf), statusOf(otherWrong), statusOf(otherRight)]).toEqual([...throttledSequence(MAX_FAILURES + 1, 401), 401, 200]);
    expect(badRetryAfters(burst)).toEqual([]);
  });

  it("keys them by Forwarded: for= as well", async () => {
    if (proxied === undefined) throw new Error("no proxied agent");
    const target = targetOf(proxied.url);
    const burst: RawOutcome[] = [];
    for (let i = 0; i <= MAX_FAILURES; i++) {
      burst.push(await ask(target, PEER.proxy, "/api/v1/healthz", [bearer(`wrong-token-${i}-0123456789`), ["Forwarded", 'for="[2001:db8::7]:4711"']]));
    }
    const other = await ask(target, PEER.proxy, "/api/v1/healthz", [bearer(TOKEN), ["Forwarded", "for=198.51.100.9"]]);
    expect([...burst.map(statusOf), statusOf(other)]).toEqual([...throttledSequence(MAX_FAILURES + 1, 401), 200]);
  });
});

describe.each(["dashboard", "agent"] as const)("%s afterwards", (face) => {
  it("still serves /api/v1/healthz with the token", async () => {
    const outcome = await ask(targetOfFace(face), PEER.clean, "/api/v1/healthz", [bearer(TOKEN)]);
    expect(statusOf(outcome)).toBe(200);
    expect(JSON.parse(answerOf(outcome)?.body.toString("utf8") ?? "null")).toMatchObject({ version: expect.any(String) });
  });
});
