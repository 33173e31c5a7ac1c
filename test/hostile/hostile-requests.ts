/**
 * Hostile requests, generated deterministically (fast-check with a fixed seed) for either face of nsatlas: the
 * Next.js dashboard (`npm start`) or the node agent (`nsatlas agent`). Each request is the exact bytes to send
 * (see send-raw.ts), the peer address to send them from, and the behaviour the servers are held to:
 *   - a path or query that cannot be percent-decoded (malformed `%`, invalid or overlong UTF-8, a decoded NUL)
 *     gets 400 application/problem+json;
 *   - no answer is ever 5xx, every answer carries the security headers, no answer leaks a file or the token;
 *   - the agent answers only GET/HEAD (405 + Allow), but for POST /api/v1/captures (403 while capture is off); the dashboard refuses cross-site writes (403) and bad JSON (400);
 *   - wrong tokens (and wrong logins) are counted per socket peer: past 10 a minute, 429 with Retry-After.
 * Issue 16 "Bad input and limits".
 */
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { problemSchema } from "../../server/contract/problem";
import { header, sendRaw, type RawAnswer, type RawOutcome } from "./send-raw";

export type Face = "dashboard" | "agent";

export const CATEGORIES = [
  "percent-path",
  "percent-query",
  "overlong-utf8",
  "nul",
  "long-path",
  "huge-headers",
  "method",
  "bad-body",
  "cross-site",
  "traversal",
  "wrong-token",
  "wrong-login",
  "host",
  "http10",
  "absolute-form",
  "parser-reject",
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Categories whose every request must get 400 application/problem+json: the path or query cannot be decoded. */
export const UNDECODABLE: ReadonlySet<Category> = new Set(["percent-path", "percent-query", "overlong-utf8", "nul"]);

/** What the target behaviour allows for one request (beyond the rules for every answer). */
export interface Expectation {
  /** The statuses allowed; undefined: any status below 500. */
  statuses?: readonly number[];
  /** The answer is application/problem+json with an RFC 9457 body. */
  isProblem?: boolean;
  /** A 405 names these methods in Allow. */
  allowIncludes?: readonly string[];
}

export interface HostileRequest {
  id: number;
  category: Category;
  /** What the case tries, short, for failure lists. */
  label: string;
  /** Exactly what goes on the wire. */
  bytes: Buffer;
  isHead: boolean;
  /** The local address to send from: the peer the server sees. */
  peer: string;
  /** Requests of one lane go one after another, in order (the throttle's counting depends on it). */
  lane?: string;
  expect: Expectation;
}

export interface Peers {
  /** Sends only requests that carry the right credentials (or none the server could count as a failure). */
  clean: string;
  /** Sends the wrong bearer tokens. */
  wrongToken: string;
  /** Sends the wrong logins (dashboard). */
  wrongLogin: string;
  /** Sends what a server may or may not count as a failure (Basic credentials, logins with bad bodies). */
  odd: string;
}

export interface HostileContext {
  face: Face;
  /** host:port of the server, for Host headers and absolute-form targets. */
  authority: string;
  token: string;
  /** A valid session cookie ("nsatlas_session=..."), for the dashboard's cross-site cases. */
  sessionCookie?: string;
  peers: Peers;
}

/** A request before it becomes bytes. */
interface Draft {
  label: string;
  method?: string;
  target?: string;
  version?: string;
  headers?: [string, string][];
  isHostless?: boolean;
  /** No Authorization header (the case brings its own credentials, or none). */
  isAnonymous?: boolean;
  body?: string;
  /** The whole request, written as it is ({{auth}} becomes the Authorization line, {{host}} the authority). */
  raw?: string;
  peer?: keyof Peers;
  expect?: Expectation;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The dashboard's POST routes (app/api/v1/**\/route.ts exporting POST), as URL paths. */
export function dashboardPostRoutes(): string[] {
  const api = path.join(ROOT, "app/api/v1");
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts" && /export (async )?function POST\b/.test(fs.readFileSync(full, "utf8"))) {
        const rel = path.relative(api, dir).split(path.sep).filter(Boolean);
        if (rel.every((s) => !s.startsWith("["))) found.push(`/api/v1/${rel.join("/")}`);
      }
    }
  };
  walk(api);
  return found.sort();
}

// ---------------------------------------------------------------------------------------------------------------
// Building blocks, shared with the fuzz properties (test/integration/fuzz-routes.test.ts).

const hex = (bytes: number[]) => bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");

/** One character, percent-encoded as a browser would: a valid piece of a path or query. */
const encodedChar = fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }).map((s) => encodeURIComponent(s));
/** A valid percent-encoded string as a list of whole encoded characters (so an insertion never splits an escape). */
export const encodedPieces = fc.array(encodedChar, { maxLength: 12 });

/**
 * A percent sequence decodeURIComponent rejects whatever valid encoded characters come before or after it: a `%`
 * not followed by two hex digits (it carries a non-hex follower), a byte that cannot start a character, a lead
 * byte without its continuation, a surrogate or a code point beyond U+10FFFF.
 */
export const malformedEscape: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom("%", "%f", "%4", "%E0%A4%A", "%C3%"), fc.constantFrom("g", "z", "%", "-", "~", "_", "x", "."))
    .map(([start, follower]) => start + follower),
  fc.integer({ min: 0x80, max: 0xff }).map((b) => hex([b])),
  fc.constantFrom("%E0%A4", "%F0%9F%98", "%ED%A0%80", "%ED%BF%BF", "%F4%90%80%80", "%F8%88%80%80%80", "%FF%FE"),
);

/** An overlong UTF-8 encoding (the classic `%C0%AF` for "/"): a code point encoded with more bytes than it needs. */
export const overlongUtf8: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 0x7f }).map((cp) => hex([0xc0 | (cp >> 6), 0x80 | (cp & 63)])),
  fc.integer({ min: 0, max: 0x7ff }).map((cp) => hex([0xe0, 0x80 | (cp >> 6), 0x80 | (cp & 63)])),
  fc.integer({ min: 0, max: 0xffff }).map((cp) => hex([0xf0, 0x80 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)])),
  fc.constantFrom("%C0%AF", "%C0%AE", "%E0%80%AF", "%C1%9C", "%C0%80"),
);

/** `bad` placed among valid encoded characters: the result cannot be decoded. */
export const undecodable = (bad: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(encodedPieces, bad, fc.nat())
    .map(([pieces, token, at]) => [...pieces.slice(0, at % (pieces.length + 1)), token, ...pieces.slice(at % (pieces.length + 1))].join(""));

/** Where a generated piece goes in a request target: `{}` in a path or a query of a real route. */
export function targetTemplates(face: Face): { path: string[]; query: string[] } {
  if (face === "agent") {
    return {
      path: ["/{}", "/api/v1/netns/{}", "/api/v1/{}/snapshot", "/api/v1/snapshot/{}", "/readyz/{}", "/api/v1/{}"],
      query: ["/api/v1/snapshot?at={}", "/api/v1/snapshot?view=overview&{}=1", "/api/v1/netns/4026531840?at={}", "/livez?{}", "/api/v1/healthz?x={}"],
    };
  }
  return {
    path: ["/{}", "/netns/{}", "/api/v1/netns/{}", "/pods/{}/x", "/_next/static/{}", "/api/v1/{}", "/s/{}/topology", "/no-such-page/{}"],
    query: ["/?q={}", "/topology?focus={}", "/login?next={}", "/api/v1/snapshot?at={}", "/api/v1/diff?from={}&to=now", "/api/v1/healthz?{}", "/nope?x={}"],
  };
}

const fill = (template: string, piece: string) => template.replace("{}", piece);

// ---------------------------------------------------------------------------------------------------------------
// The rules every answer is held to.

export const SECURITY_HEADERS: readonly [string, (v: string) => boolean][] = [
  ["content-security-policy", (v) => v.includes("frame-ancestors 'none'")],
  ["x-content-type-options", (v) => v.toLowerCase() === "nosniff"],
  ["referrer-policy", (v) => v.toLowerCase() === "no-referrer"],
];

/** The security headers an answer lacks (or carries with the wrong value). */
export function missingSecurityHeaders(answer: RawAnswer): string[] {
  return SECURITY_HEADERS.filter(([name, ok]) => {
    const value = header(answer, name);
    return value === undefined || !ok(value);
  }).map(([name]) => name);
}

/** Why the answer is not an RFC 9457 problem of its own status, or undefined when it is one. */
export function notAProblem(answer: RawAnswer): string | undefined {
  const type = header(answer, "content-type") ?? "";
  if (!type.startsWith("application/problem+json")) return `content-type ${JSON.stringify(type)}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString("utf8"));
  } catch {
    return `body is not JSON: ${JSON.stringify(answer.body.toString("utf8").slice(0, 80))}`;
  }
  const parsed = problemSchema.safeParse(body);
  if (!parsed.success) return "body is not a problem";
  if (parsed.data.status !== answer.status) return `problem status ${parsed.data.status} on a ${answer.status} answer`;
  return undefined;
}

/** Text that must never appear in an answer: file contents a traversal could reach, and the token. */
export function leakMarkers(token: string): string[] {
  return ["root:x:0:0:", '"devDependencies"', '"compilerOptions"', 'import { z } from "zod"', `NSATLAS_TOKEN=${token}`, token];
}

/** What is wrong with one answer under the request's expectation (an empty list: nothing). */
export function violations(request: HostileRequest, outcome: RawOutcome, token: string): string[] {
  if (outcome.kind !== "answer") return [`no answer: ${outcome.kind}${"error" in outcome ? ` ${outcome.error}` : ""}`];
  const { answer } = outcome;
  const found: string[] = [];
  if (answer.status >= 500) found.push(`status ${answer.status}`);
  const { statuses, isProblem, allowIncludes } = request.expect;
  if (statuses !== undefined && !statuses.includes(answer.status)) found.push(`status ${answer.status}, expected ${statuses.join("/")}`);
  const missing = missingSecurityHeaders(answer);
  if (missing.length > 0) found.push(`missing ${missing.join(", ")}`);
  if (isProblem === true) {
    const why = notAProblem(answer);
    if (why !== undefined) found.push(`not a problem: ${why}`);
  }
  if (allowIncludes !== undefined && answer.status === 405) {
    const allow = (header(answer, "allow") ?? "").toUpperCase();
    const absent = allowIncludes.filter((m) => !allow.split(/\s*,\s*/).includes(m));
    if (absent.length > 0) found.push(`Allow ${JSON.stringify(allow)} lacks ${absent.join(", ")}`);
  }
  if (answer.status === 429 && !/^\d+$/.test(header(answer, "retry-after") ?? "")) found.push("429 without a Retry-After in seconds");
  const everything = `${JSON.stringify(answer.headers)}\n${answer.body.toString("latin1")}`;
  const leaked = leakMarkers(token).filter((m) => everything.includes(m));
  if (leaked.length > 0) found.push(`leaks ${leaked.map((m) => (m === token ? "the token" : JSON.stringify(m))).join(", ")}`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// The categories.

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join("."));
const ipv6 = fc.ipV6();
/** Headers a client sends to pass for someone else. */
const spoofHeaders: fc.Arbitrary<[string, string][]> = fc.oneof(
  ipv4.map((ip): [string, string][] => [["X-Forwarded-For", ip]]),
  fc.array(ipv4, { minLength: 2, maxLength: 5 }).map((ips): [string, string][] => [["X-Forwarded-For", ips.join(", ")]]),
  ipv4.map((ip): [string, string][] => [["Forwarded", `for=${ip};proto=https`]]),
  ipv6.map((ip): [string, string][] => [["Forwarded", `for="[${ip}]:4711"`]]),
  fc.tuple(ipv4, ipv4).map(([a, b]): [string, string][] => [
    ["X-Forwarded-For", a],
    ["Forwarded", `for=${b}`],
    ["X-Real-IP", a],
  ]),
  fc.constant<[string, string][]>([["X-Forwarded-For", "127.0.0.3"]]),
  fc.constant<[string, string][]>([["X-Forwarded-For", "unknown"]]),
  fc.constant<[string, string][]>([]),
);

/** A token that is not the right one (near misses included). */
const wrongToken = (token: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: "grapheme-ascii", minLength: 16, maxLength: 48 }).filter((t) => t !== token && !/\s/.test(t)),
    fc.nat(token.length - 1).map((i) => token.slice(0, i) + (token[i] === "x" ? "y" : "x") + token.slice(i + 1)),
    fc.constant(token.slice(0, -1)),
    fc.constant(`${token}x`),
  );

type Gen = (ctx: HostileContext) => fc.Arbitrary<Draft>;

const PROBLEM_400: Expectation = { statuses: [400], isProblem: true };
/** The parser refuses these heads: an answer (400, 414 or 431), never a reset. */
const PARSER_STATUSES = [400, 413, 414, 431];

const GENERATORS: Record<Category, Gen> = {
  "percent-path": (ctx) =>
    fc.oneof(
      fc.tuple(fc.constantFrom(...targetTemplates(ctx.face).path), undecodable(malformedEscape)).map(([t, piece]) => ({
        label: `malformed % in the path ${piece.slice(0, 40)}`,
        target: fill(t, piece),
        expect: PROBLEM_400,
      })),
      fc
        .tuple(fc.constantFrom("GET", "HEAD"), fc.constantFrom("/%", "/%%", "/%zz", "/%ff", "/%E0%A4%A", "/api/v1/netns/%ff", "/a%2"))
        .map(([method, target]) => ({
          label: `${method} ${target}`,
          method,
          target,
          expect: method === "HEAD" ? { statuses: [400] } : PROBLEM_400,
        })),
      undecodable(malformedEscape).map((piece) => ({
        label: "malformed % in an absolute-form target",
        target: `http://${ctx.authority}/${piece}`,
        expect: PROBLEM_400,
      })),
    ),
  "percent-query": (ctx) =>
    fc.tuple(fc.constantFrom(...targetTemplates(ctx.face).query), undecodable(malformedEscape)).map(([t, piece]) => ({
      label: `malformed % in the query ${piece.slice(0, 40)}`,
      target: fill(t, piece),
      expect: PROBLEM_400,
    })),
  "overlong-utf8": (ctx) =>
    fc
      .tuple(fc.constantFrom(...targetTemplates(ctx.face).path, ...targetTemplates(ctx.face).query), undecodable(overlongUtf8))
      .map(([t, piece]) => ({ label: `overlong UTF-8 ${piece.slice(0, 40)}`, target: fill(t, piece), expect: PROBLEM_400 })),
  nul: (ctx) =>
    fc
      .tuple(fc.constantFrom(...targetTemplates(ctx.face).path, ...targetTemplates(ctx.face).query), undecodable(fc.constant("%00")))
      .map(([t, piece]) => ({ label: `decoded NUL ${piece.slice(0, 40)}`, target: fill(t, piece), expect: PROBLEM_400 })),
  "long-path": (ctx) =>
    fc
      .tuple(
        fc.constantFrom(8 * 1024, 64 * 1024),
        fc.nat(200),
        fc.constantFrom(...(ctx.face === "agent" ? ["/api/v1/netns/", "/", "/api/v1/snapshot?at="] : ["/netns/", "/", "/api/v1/netns/", "/topology?focus="])),
        fc.constantFrom("a", "9", "a/", "%41", "../"),
      )
      .map(([size, jitter, prefix, unit]) => {
        const target = prefix + unit.repeat(Math.ceil((size + jitter) / unit.length));
        // Up to 16 KiB of head the request is served (or refused as a bad id); past it the parser refuses it.
        return {
          label: `${Math.round(target.length / 1024)} KiB target of ${JSON.stringify(unit)}`,
          target,
          expect: size > 16 * 1024 ? { statuses: PARSER_STATUSES } : {},
        };
      }),
  "huge-headers": () =>
    fc.oneof(
      fc
        .integer({ min: 20 * 1024, max: 24 * 1024 })
        .map((n): Draft => ({ label: `one ${n}-byte header`, headers: [["X-Filler", "a".repeat(n)]], expect: { statuses: PARSER_STATUSES } })),
      fc.integer({ min: 20 * 1024, max: 24 * 1024 }).map((n): Draft => ({
        label: `a ${n}-byte cookie`,
        headers: [["Cookie", `c=${"b".repeat(n)}`]],
        expect: { statuses: PARSER_STATUSES },
      })),
      fc.integer({ min: 500, max: 900 }).map((n): Draft => ({
        label: `${n} headers`,
        headers: Array.from({ length: n }, (_, i): [string, string] => [`X-H-${i}`, "v".repeat(32)]),
        expect: { statuses: PARSER_STATUSES },
      })),
      fc.integer({ min: 50, max: 150 }).map((n): Draft => ({
        label: `${n} small headers`,
        headers: Array.from({ length: n }, (_, i): [string, string] => [`X-S-${i}`, String(i)]),
        expect: {},
      })),
    ),
  method: (ctx) => {
    const paths =
      ctx.face === "agent"
        ? ["/api/v1/snapshot", "/api/v1/healthz", "/livez", "/api/v1/netns/4026531840", "/nope"]
        : ["/api/v1/snapshot", "/api/v1/healthz", "/", "/topology", "/api/v1/snapshots"];
    // The agent answers only GET and HEAD; the dashboard has no rule beyond "no 5xx" for methods it does not route.
    const known: Expectation = ctx.face === "agent" ? { statuses: [405], isProblem: true, allowIncludes: ["GET", "HEAD"] } : {};
    return fc.oneof(
      fc
        .tuple(fc.constantFrom("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "PURGE", "LINK"), fc.constantFrom(...paths))
        .map(([method, target]) => ({
          label: `${method} ${target}`,
          method,
          target,
          body: method === "PUT" || method === "PATCH" ? '{"a":1}' : undefined,
          expect: known,
        })),
      fc.constantFrom(...paths).map((target) => ({ label: `POST ${target}`, method: "POST", target, body: "{}", expect: ctx.face === "agent" ? known : {} })),
      fc.constant({
        label: "CONNECT authority-form",
        method: "CONNECT",
        target: ctx.authority,
        expect: { statuses: [400, 405] },
      }),
      fc.constant({ label: "CONNECT elsewhere", method: "CONNECT", target: "example.com:443", expect: { statuses: [400, 405] } }),
      fc.tuple(fc.constantFrom("FOO", "GETT", "get", "G3T", "GET\u0001", "\u00c3\u0096PTIONS", "BREW"), fc.constantFrom(...paths)).map(([method, target]) => ({
        label: `garbage method ${JSON.stringify(method)}`,
        method,
        target,
        expect: { statuses: [400, 405] },
      })),
    );
  },
  "bad-body": (ctx) => {
    const routes = dashboardPostRoutes();
    const login = "/api/v1/login";
    const bodies = fc.oneof(
      fc.constantFrom("{", '{"target":', "[1,2", "not json", '{"target": "container:x",}', "\u00ff\u00fe{", "null", "[]", "42", '"s"', '{"__proto__":{"x":1}}'),
      fc.string({ unit: "binary-ascii", maxLength: 200 }),
      fc.integer({ min: 1000, max: 200_000 }).map((d) => "[".repeat(d)),
    );
    const types = fc.constantFrom(
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "",
    );
    return fc.tuple(fc.constantFrom(...routes), bodies, types).map(([route, body, type]) => {
      const isLogin = route === login;
      const headers: [string, string][] = type === "" ? [] : [["Content-Type", type]];
      // The agent's one POST is /api/v1/captures (off in this suite: 403, or 400/415 for a body it cannot read); every other POST is 405.
      if (ctx.face === "agent" && route === "/api/v1/captures")
        return {
          label: `POST ${route} (${type || "no type"})`,
          method: "POST",
          target: route,
          headers,
          body,
          expect: { statuses: [400, 403, 415], isProblem: true },
        };
      if (ctx.face === "agent")
        return {
          label: `POST ${route} (${type || "no type"})`,
          method: "POST",
          target: route,
          headers,
          body,
          expect: { statuses: [405], isProblem: true, allowIncludes: ["GET", "HEAD"] },
        };
      // JSON routes: bad JSON is a 400 problem; the import route keeps its 413/422 for files it cannot use.
      const isJsonRoute = route.endsWith("/expose") || route.endsWith("/unexpose");
      const expect: Expectation = isLogin
        ? { statuses: [303, 400, 413, 415, 429] }
        : route.endsWith("/snapshots/import")
          ? { statuses: [400, 413, 415, 422], isProblem: true }
          : isJsonRoute
            ? { statuses: [400, 403, 413, 415], isProblem: true }
            : {};
      return {
        label: `POST ${route} ${JSON.stringify(body.slice(0, 20))} (${type || "no type"})`,
        method: "POST",
        target: route,
        headers,
        body,
        // A login with a bad body may count as a failed login: it comes from a peer of its own, so the clean peer stays clean.
        ...(isLogin ? { peer: "odd" as const, isAnonymous: true } : {}),
        expect,
      };
    });
  },
  "cross-site": (ctx) => {
    const routes = dashboardPostRoutes().filter((r) => r !== "/api/v1/login");
    const cookie = ctx.sessionCookie ?? "nsatlas_session=none";
    const origins = fc.constantFrom<[string, string][]>(
      [["Origin", "https://evil.example"]],
      [["Sec-Fetch-Site", "cross-site"]],
      [
        ["Sec-Fetch-Site", "same-site"],
        ["Origin", "http://evil.localhost"],
      ],
      [["Origin", "null"]],
      [],
    );
    return fc.tuple(fc.constantFrom(...routes), origins, fc.boolean()).map(([chosen, origin, withWriteHeader]): Draft => {
      // Without a cross-site sign, the missing write header is what makes it a forgery; logout (a plain HTML form,
      // like login) needs no write header, so that case goes to a route that does.
      const route = origin.length === 0 && chosen.endsWith("/logout") ? "/api/v1/snapshots" : chosen;
      return {
        label: `cookie POST ${route} ${origin.map(([k, v]) => `${k}: ${v}`).join(", ") || "without x-nsatlas-request"}`,
        method: "POST",
        target: route,
        isAnonymous: true,
        headers: [
          ["Cookie", cookie],
          ["Content-Type", "application/json"],
          ...origin,
          ...(withWriteHeader && origin.length > 0 ? [["x-nsatlas-request", "1"] as [string, string]] : []),
        ],
        body: "{}",
        expect: { statuses: [403], isProblem: true },
      };
    });
  },
  traversal: (ctx) => {
    const ups = fc.constantFrom("../", "%2e%2e/", "..%2f", "%2e%2e%2f", "..\\", "..%5c", "%252e%252e%252f", ".%2e/", "....//", "..;/", "%c0%ae%c0%ae/");
    const prefixes =
      ctx.face === "agent"
        ? ["/", "/api/v1/", "/api/v1/netns/", "/livez/", "/api/v1/snapshot/"]
        : ["/", "/_next/static/", "/_next/static/chunks/", "/_next/image?url=", "/api/v1/netns/", "/api/v1/snapshots/", "/icon.svg/", "/public/", "/netns/"];
    const files = fc.constantFrom(
      "etc/passwd",
      "proc/self/environ",
      "package.json",
      "tsconfig.json",
      "server/config.ts",
      ".next/BUILD_ID",
      "etc/passwd%00.png",
    );
    return fc.tuple(fc.constantFrom(...prefixes), ups, fc.integer({ min: 0, max: 9 }), files).map(([prefix, up, depth, file]) => ({
      label: `${prefix}(${up})x${depth}${file}`,
      target: prefix + up.repeat(depth) + file,
      expect: {},
    }));
  },
  "wrong-token": (ctx) => {
    const paths =
      ctx.face === "agent"
        ? ["/api/v1/snapshot?view=overview", "/api/v1/healthz", "/api/v1/netns/4026531840"]
        : ["/api/v1/snapshot?view=overview", "/api/v1/healthz", "/api/v1/snapshots"];
    // Bearer attempts (the scheme is case-insensitive) make the throttled peer's lane; Basic credentials, which a
    // server may or may not count, come from the odd peer.
    const auth = fc.oneof(
      { weight: 5, arbitrary: wrongToken(ctx.token).map((t) => `Bearer ${t}`) },
      { weight: 1, arbitrary: wrongToken(ctx.token).map((t) => `bearer ${t}`) },
      { weight: 1, arbitrary: wrongToken(ctx.token).map((t) => `Basic ${Buffer.from(`admin:${t}`).toString("base64")}`) },
    );
    return fc.tuple(fc.constantFrom(...paths), auth, spoofHeaders).map(([target, authorization, spoof]) => ({
      label: `${authorization.split(" ")[0]} wrong token ${spoof.map(([k, v]) => `${k}: ${v}`).join(", ")}`,
      target,
      isAnonymous: true,
      headers: [["Authorization", authorization], ...spoof],
      peer: authorization.startsWith("Basic") ? "odd" : "wrongToken",
      expect: { statuses: [401, 429], isProblem: true },
    }));
  },
  "wrong-login": (ctx) =>
    fc.tuple(wrongToken(ctx.token), spoofHeaders, fc.constantFrom("/", "/topology", "//evil.example/")).map(([token, spoof, next]) => ({
      label: `login with a wrong token ${spoof.map(([k, v]) => `${k}: ${v}`).join(", ")}`,
      method: "POST",
      target: "/api/v1/login",
      isAnonymous: true,
      headers: [["Content-Type", "application/x-www-form-urlencoded"], ...spoof],
      body: new URLSearchParams({ token, next }).toString(),
      peer: "wrongLogin",
      expect: { statuses: [303, 429] },
    })),
  host: (ctx) =>
    fc.oneof(
      fc
        .constantFrom(
          "evil.example",
          "127.0.0.1:1",
          "localhost:99999",
          "[::1]",
          "a@127.0.0.1",
          "127.0.0.1.",
          "0x7f.1",
          "",
          " ",
          "x".repeat(2000),
          "evil.example:80:80",
        )
        .map((host): Draft => ({
          label: `Host ${JSON.stringify(host.slice(0, 30))}`,
          target: "/api/v1/healthz",
          isHostless: true,
          headers: [["Host", host]],
          expect: {},
        })),
      fc.constant<Draft>({ label: "no Host on HTTP/1.1", target: "/api/v1/healthz", isHostless: true, expect: { statuses: [400] } }),
      fc.constant<Draft>({
        label: "two Host headers",
        target: "/api/v1/healthz",
        isHostless: true,
        headers: [
          ["Host", ctx.authority],
          ["Host", "evil.example"],
        ],
        expect: {},
      }),
      fc.constant<Draft>({ label: "X-Forwarded-Host evil", target: "/", headers: [["X-Forwarded-Host", "evil.example"]], expect: {} }),
    ),
  http10: () =>
    fc
      .tuple(fc.constantFrom("/api/v1/healthz", "/api/v1/snapshot?view=overview", "/", "/nope", "/%ff"), fc.boolean(), fc.boolean())
      .map(([target, withHost, keepAlive]) => ({
        label: `HTTP/1.0 ${target}${withHost ? "" : " without Host"}${keepAlive ? " keep-alive" : ""}`,
        target,
        version: "HTTP/1.0",
        isHostless: !withHost,
        headers: keepAlive ? [["Connection", "keep-alive"]] : [],
        expect: target === "/%ff" ? PROBLEM_400 : {},
      })),
  "absolute-form": (ctx) =>
    fc
      .constantFrom(
        `http://${ctx.authority}/api/v1/healthz`,
        `http://evil.example/api/v1/healthz`,
        `https://${ctx.authority}/api/v1/snapshot?view=overview`,
        `http://${ctx.authority}`,
        "*",
        "//evil.example/api/v1/healthz",
        `http://user:pw@${ctx.authority}/api/v1/healthz`,
        "file:///etc/passwd",
        "api/v1/healthz",
      )
      .map((target) => ({ label: `target ${target.slice(0, 60)}`, target, expect: {} })),
  "parser-reject": () =>
    fc.constantFrom<Draft>(
      { label: "raw NUL in the path", raw: "GET /a\u0000b HTTP/1.1\r\nHost: {{host}}\r\n{{auth}}Connection: close\r\n\r\n", expect: { statuses: [400] } },
      {
        label: "raw NUL in a header value",
        raw: "GET / HTTP/1.1\r\nHost: {{host}}\r\nX-A: a\u0000b\r\n{{auth}}Connection: close\r\n\r\n",
        expect: { statuses: [400] },
      },
      {
        label: "space-separated junk in the request line",
        raw: "GET /a b c HTTP/1.1\r\nHost: {{host}}\r\n{{auth}}Connection: close\r\n\r\n",
        expect: { statuses: [400] },
      },
      {
        label: "header line without a colon",
        raw: "GET / HTTP/1.1\r\nHost: {{host}}\r\nno colon here\r\n{{auth}}Connection: close\r\n\r\n",
        expect: { statuses: [400] },
      },
      {
        label: "space in a header name",
        raw: "GET / HTTP/1.1\r\nHost: {{host}}\r\nBad Name: x\r\n{{auth}}Connection: close\r\n\r\n",
        expect: { statuses: [400] },
      },
      { label: "HTTP/9.9", raw: "GET / HTTP/9.9\r\nHost: {{host}}\r\n{{auth}}Connection: close\r\n\r\n", expect: { statuses: [400] } },
      // llhttp reads a request line without a version as HTTP/0.9: an answer of any kind below 500 will do.
      { label: "no version", raw: "GET /\r\nHost: {{host}}\r\n\r\n", expect: {} },
      {
        label: "Content-Length and Transfer-Encoding (smuggling)",
        raw: "POST /api/v1/snapshot HTTP/1.1\r\nHost: {{host}}\r\n{{auth}}Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n",
        expect: { statuses: [400] },
      },
      {
        label: "two different Content-Lengths",
        raw: "POST /api/v1/snapshot HTTP/1.1\r\nHost: {{host}}\r\n{{auth}}Content-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}x",
        expect: { statuses: [400] },
      },
      {
        label: "bad chunk size",
        raw: "POST /api/v1/snapshot HTTP/1.1\r\nHost: {{host}}\r\n{{auth}}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        expect: { statuses: [400, 405] },
      },
      { label: "obs-fold header", raw: "GET / HTTP/1.1\r\nHost: {{host}}\r\nX-A: a\r\n  folded\r\n{{auth}}Connection: close\r\n\r\n", expect: {} },
      { label: "bare LF line ends", raw: "GET /api/v1/healthz HTTP/1.1\nHost: {{host}}\n{{auth}}Connection: close\n\n", expect: {} },
      {
        label: "raw UTF-8 in the path",
        raw: "GET /netns/\u00c3\u00a9t\u00c3\u00a9 HTTP/1.1\r\nHost: {{host}}\r\n{{auth}}Connection: close\r\n\r\n",
        expect: {},
      },
      { label: "raw DEL in the path", raw: "GET /a\u007fb HTTP/1.1\r\nHost: {{host}}\r\n{{auth}}Connection: close\r\n\r\n", expect: { statuses: [400] } },
      { label: "control byte in a header value", raw: "GET / HTTP/1.1\r\nHost: {{host}}\r\nX-A: a\u0001b\r\n{{auth}}Connection: close\r\n\r\n", expect: {} },
      { label: "TLS ClientHello on the HTTP port", raw: "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003", expect: { statuses: [400] } },
      { label: "HTTP/2 preface", raw: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", expect: { statuses: [400, 405] } },
    ),
};

/** How many of the N requests each category gets (about; every applicable category at least `min`). */
const WEIGHTS: Record<Category, number> = {
  "percent-path": 9,
  "percent-query": 8,
  "overlong-utf8": 6,
  nul: 5,
  "long-path": 4,
  "huge-headers": 5,
  method: 7,
  "bad-body": 8,
  "cross-site": 4,
  traversal: 10,
  "wrong-token": 7,
  "wrong-login": 6,
  host: 4,
  http10: 3,
  "absolute-form": 3,
  "parser-reject": 6,
};

export function categoriesFor(face: Face): Category[] {
  return CATEGORIES.filter((c) => face === "dashboard" || (c !== "cross-site" && c !== "wrong-login"));
}

/** Splits n by weight (largest remainder), each category getting at least `min`. */
function allocate(categories: Category[], n: number, min: number): Map<Category, number> {
  const total = categories.reduce((sum, c) => sum + WEIGHTS[c], 0);
  const rest = n - min * categories.length;
  const exact = categories.map((c) => ({ c, share: (rest * WEIGHTS[c]) / total }));
  const counts = new Map(exact.map(({ c, share }) => [c, min + Math.floor(share)]));
  let left = n - [...counts.values()].reduce((a, b) => a + b, 0);
  for (const { c } of [...exact].sort((a, b) => (b.share % 1) - (a.share % 1))) {
    if (left-- <= 0) break;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return counts;
}

function toBytes(draft: Draft, ctx: { authority: string; token: string }): Buffer {
  const auth = draft.isAnonymous === true ? "" : `Authorization: Bearer ${ctx.token}\r\n`;
  if (draft.raw !== undefined) return Buffer.from(draft.raw.replaceAll("{{host}}", ctx.authority).replaceAll("{{auth}}", auth), "latin1");
  const version = draft.version ?? "HTTP/1.1";
  const headers: [string, string][] = [];
  if (draft.isHostless !== true) headers.push(["Host", ctx.authority]);
  headers.push(...(draft.headers ?? []));
  const hasConnection = headers.some(([n]) => n.toLowerCase() === "connection");
  if (!hasConnection && version === "HTTP/1.1") headers.push(["Connection", "close"]);
  const body = draft.body === undefined ? undefined : Buffer.from(draft.body, "utf8");
  if (body !== undefined) headers.push(["Content-Length", String(body.length)]);
  const head = `${draft.method ?? "GET"} ${draft.target ?? "/"} ${version}\r\n${auth}${headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
  return body === undefined ? Buffer.from(head, "latin1") : Buffer.concat([Buffer.from(head, "latin1"), body]);
}

/** An ordinary HTTP/1.1 request's bytes (Host, Connection: close and Content-Length added; credentials only in `headers`). */
export function requestBytes(authority: string, request: { method?: string; target: string; headers?: [string, string][]; body?: string }): Buffer {
  return toBytes({ label: "", ...request, isAnonymous: true }, { authority, token: "" });
}

/**
 * N hostile requests for one face, the same for the same seed and context: every category the face has, in
 * proportion to its weight (at least 14 each, so the throttle's eleventh failure is always among them).
 */
export function generateHostileRequests(ctx: HostileContext, options: { seed: number; count: number }): HostileRequest[] {
  const categories = categoriesFor(ctx.face);
  const counts = allocate(categories, options.count, 14);
  const requests: HostileRequest[] = [];
  categories.forEach((category, index) => {
    const drafts = fc.sample(GENERATORS[category](ctx), { seed: options.seed + index, numRuns: counts.get(category) ?? 0 });
    for (const draft of drafts) {
      const peerRole = draft.peer ?? "clean";
      requests.push({
        id: 0,
        category,
        label: draft.label,
        bytes: toBytes(draft, ctx),
        isHead: draft.method === "HEAD",
        peer: ctx.peers[peerRole],
        // The throttle's probes go in order, one lane per peer; the rest may overlap.
        ...(peerRole === "wrongToken" || peerRole === "wrongLogin" ? { lane: peerRole } : {}),
        expect: draft.expect ?? {},
      });
    }
  });
  // A fixed interleaving of the categories (the seed decides it), so one category's slowness is spread out.
  const order =
    fc.sample(fc.shuffledSubarray(requests, { minLength: requests.length, maxLength: requests.length }), { seed: options.seed, numRuns: 1 })[0] ?? requests;
  return order.map((r, id) => ({ ...r, id }));
}

// ---------------------------------------------------------------------------------------------------------------
// Sending them.

export interface HostileResult {
  request: HostileRequest;
  outcome: RawOutcome;
}

/**
 * Sends every request (10 s each at most): lanes one after another in order, the rest `concurrency` at a time.
 * Never rejects: a timeout, a reset or a close without an answer is an outcome like any other.
 */
export async function sendHostileRequests(
  requests: HostileRequest[],
  server: { host: string; port: number },
  options: { concurrency?: number; timeoutMs?: number } = {},
): Promise<HostileResult[]> {
  const results: HostileResult[] = [];
  const send = async (request: HostileRequest) => {
    const outcome = await sendRaw(
      { ...server, localAddress: request.peer },
      { bytes: request.bytes, isHead: request.isHead, timeoutMs: options.timeoutMs ?? 10_000 },
    );
    results.push({ request, outcome });
  };
  const lanes = new Map<string, HostileRequest[]>();
  const pool: HostileRequest[] = [];
  for (const r of requests) {
    if (r.lane === undefined) pool.push(r);
    else lanes.set(r.lane, [...(lanes.get(r.lane) ?? []), r]);
  }
  const runLane = async (lane: HostileRequest[]) => {
    for (const r of lane) await send(r);
  };
  const worker = async () => {
    for (let r = pool.shift(); r !== undefined; r = pool.shift()) await send(r);
  };
  await Promise.all([...[...lanes.values()].map(runLane), ...Array.from({ length: options.concurrency ?? 8 }, worker)]);
  return results.sort((a, b) => a.request.id - b.request.id);
}

/** The key of an outcome in the histogram: the status, or what happened instead. */
export function outcomeKey(outcome: RawOutcome): string {
  return outcome.kind === "answer" ? String(outcome.answer.status) : outcome.kind;
}

/** category → status (or timeout/reset/closed/garbled) → count. */
export function histogram(results: HostileResult[]): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const { request, outcome } of results) {
    const row = (table[request.category] ??= {});
    const key = outcomeKey(outcome);
    row[key] = (row[key] ?? 0) + 1;
  }
  return table;
}

/** The histogram as aligned text lines, for the log. */
export function formatHistogram(title: string, table: Record<string, Record<string, number>>): string {
  const width = Math.max(...Object.keys(table).map((k) => k.length));
  const lines = Object.entries(table).map(
    ([category, row]) =>
      `  ${category.padEnd(width)}  ${Object.entries(row)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}×${v}`)
        .join(" ")}`,
  );
  return [title, ...lines].join("\n");
}
