/** GET /api/v1/trace (trace-handler.ts, shared by the dashboard and the node agent): parameters, problems, answers. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { problemSchema } from "../../../server/contract/problem";
import { traceResultSchema, type TraceQuery, type TraceResult } from "../../../server/contract/trace";
import { traceHandler } from "../../../server/http/handlers/trace-handler";

const RESULT: TraceResult = {
  query: { from: "4026531993", to: "10.0.0.2" },
  verdict: "delivered",
  hops: [{ netnsId: "4026531993", label: "host", kind: "route", out: "eth0", outIfindex: 2, route: "10.0.0.0/24 dev eth0 table main", notes: [] }],
  detail: "delivered",
  warnings: [],
  netfilter: "not evaluated",
  snapshotId: "s",
  tracedAt: "2026-01-01T00:00:00.000Z",
};

function source(known = ["4026531993"]) {
  const asked: TraceQuery[] = [];
  return {
    asked,
    trace: async (q: TraceQuery) => {
      asked.push(q);
      return known.includes(q.from) ? { ...RESULT, query: { ...RESULT.query, ...q } } : undefined;
    },
  };
}
const get = (query: string) => new Request(`http://localhost/api/v1/trace?${query}`);

describe("traceHandler", () => {
  it("answers the trace, the flow's ports implying tcp", async () => {
    const s = source();
    const response = await traceHandler(get("from=4026531993&to=10.0.0.2&dport=443"), s);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(traceResultSchema.parse(await response.json()).query).toMatchObject({ proto: "tcp", dport: 443 });
    expect(s.asked).toEqual([{ from: "4026531993", to: "10.0.0.2", dport: 443, proto: "tcp" }]);
  });

  it.each([
    ["to=10.0.0.2", "from: "],
    ["from=4026531993", "to: an IPv4 or IPv6 address"],
    ["from=../etc&to=10.0.0.2", "from: a network namespace id"],
    ["from=4026531993&to=10.0.0.300", "to: an IPv4 or IPv6 address"],
    ["from=4026531993&to=fe80::1%25eth0", "to: an IPv4 or IPv6 address"],
    ["from=4026531993&to=10.0.0.2&dport=0", "dport: a port is 1–65535"],
    ["from=4026531993&to=10.0.0.2&sport=65536", "sport: a port is 1–65535"],
    ["from=4026531993&to=10.0.0.2&proto=sctp", "proto: "],
    ["from=4026531993&to=10.0.0.2&proto=icmp&dport=1", "proto: ports need proto=tcp or proto=udp"],
    ["from=4026531993&to=10.0.0.2&via=x", 'unknown parameter "via"'],
    ["from=4026531993&to=10.0.0.2&to=10.0.0.3", "to is given more than once"],
  ])("refuses %s with a 400 problem", async (query, detail) => {
    const s = source();
    const response = await traceHandler(get(query), s);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = problemSchema.parse(await response.json());
    expect(problem.title).toBe("Malformed trace request");
    expect(problem.detail).toContain(detail);
    expect(s.asked).toEqual([]);
  });

  it("answers 404 for a namespace that is not on the node", async () => {
    const response = await traceHandler(get("from=4026539999&to=10.0.0.2"), source());
    expect(response.status).toBe(404);
    expect(problemSchema.parse(await response.json()).detail).toBe("no network namespace with inode 4026539999 exists on this node now");
  });

  it("answers 503, never a bare 500, when the node cannot be read", async () => {
    const response = await traceHandler(get("from=4026531993&to=10.0.0.2"), {
      trace: () => Promise.reject(new Error("netns reader crashed")),
    });
    expect(response.status).toBe(503);
    expect(problemSchema.parse(await response.json()).detail).toBe("netns reader crashed");
  });
});

describe("traceHandler on generated queries", () => {
  it("answers every query string with 200, 400 or 404, problems as JSON problems, and asks only with valid parameters", async () => {
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("4026531993", "10.0.0.2", "fd00::2", "tcp", "icmp", "443", "0", "-1", "1e3", ""));
    const key = fc.constantFrom("from", "to", "proto", "sport", "dport", "at", "x");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 6 }), async (pairs) => {
        const s = source();
        const query = new URLSearchParams(pairs).toString();
        const response = await traceHandler(get(query), s);
        expect([200, 400, 404]).toContain(response.status);
        const body: unknown = await response.json();
        if (response.status === 200) expect(traceResultSchema.safeParse(body).success).toBe(true);
        else expect(problemSchema.safeParse(body).success).toBe(true);
        expect(s.asked.length).toBe(response.status === 400 ? 0 : 1);
      }),
      { numRuns: 300 },
    );
  });
});
