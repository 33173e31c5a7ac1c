/**
 * GET /api/v1/n/{node}/captures over a fake agent (server/hub/capture-status-proxy.ts and its route in
 * cluster-handlers.ts): the agent's capture status checked by the contract and handed on naming the node, and the
 * trace passthrough's failures: 502 for garbage, a refused token or an error status, 504 past 2 s, 404 for an unknown node.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../server/config";
import type { CaptureStatus } from "../../../server/contract/capture";
import { createHub, type Hub } from "../../../server/hub/hub";
import { nodeCaptureStatusHandler } from "../../../server/http/handlers/cluster-handlers";
import { fakeAgent, overviewOf, type FakeAgent } from "./fake-agent";

process.env.NSATLAS_LOG_LEVEL = "silent";

const TOKEN = "hub-unit-token-0123456789";
let a: FakeAgent;
let hub: Hub;

const status: CaptureStatus = {
  isEnabled: true,
  running: 1,
  maxConcurrent: 2,
  maxSeconds: 60,
  maxSources: 8,
  maxBytes: 64 * 1024 * 1024,
  missingCapabilities: [],
};

const ask = (node = "node-a") => nodeCaptureStatusHandler(new Request(`http://hub/api/v1/n/${node}/captures`), node, hub);
const titleOf = async (response: Response) => ((await response.json()) as { title: string }).title;

function answerWith(statusCode: number, body: string, contentType = "application/json"): void {
  a.override.set("/api/v1/captures", (req, res) => {
    res.writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? statusCode : 401, { "content-type": contentType });
    res.end(body);
  });
}

beforeAll(async () => {
  a = await fakeAgent({ overview: overviewOf("node-a", { pods: ["blue"] }), token: TOKEN });
  hub = createHub(parseConfig({ NSATLAS_AGENTS: a.url, NSATLAS_TOKEN: TOKEN }), { follower: { backoffInitialMs: 50, backoffMaxMs: 200 } });
  const end = Date.now() + 5000;
  while (hub.nodes().nodes.find((n) => n.name === "node-a")?.state !== "up") {
    if (Date.now() > end) throw new Error("node-a not up within 5 s");
    await new Promise((r) => setTimeout(r, 20));
  }
});

afterAll(async () => {
  hub.close();
  await a.close();
});

describe("a node's capture status through the hub", () => {
  it("asks the agent's GET /api/v1/captures with the hub's token and hands on its status, naming the node", async () => {
    answerWith(200, JSON.stringify(status));
    const ok = await ask();
    expect([ok.status, ok.headers.get("x-nsatlas-node"), ok.headers.get("content-type")]).toEqual([200, "node-a", "application/json"]);
    expect(await ok.json()).toEqual(status);
    expect(a.seen.at(-1)).toBe("GET /api/v1/captures");
  });

  it("hands on an agent with capture off as it says (off is an answer, not a failure)", async () => {
    answerWith(200, JSON.stringify({ ...status, isEnabled: false, running: 0 }));
    const off = await ask();
    expect(off.status).toBe(200);
    expect(((await off.json()) as CaptureStatus).isEnabled).toBe(false);
  });

  it("answers 502 naming the node for a status out of the contract, not JSON, a refused token or an error status", async () => {
    const cases: Array<[number, string, string?]> = [
      [200, JSON.stringify({ isEnabled: "yes" })],
      [200, "<html>"],
      [500, "boom", "text/plain"],
      [404, JSON.stringify({ type: "about:blank", title: "Not found", status: 404 }), "application/problem+json"],
    ];
    for (const [code, body, type] of cases) {
      answerWith(code, body, type);
      const answer = await ask();
      expect([answer.status, answer.headers.get("x-nsatlas-node"), await titleOf(answer)], `${code} ${body}`).toEqual([
        502,
        "node-a",
        "Node node-a could not be read",
      ]);
    }
    a.override.set("/api/v1/captures", (_req, res) => {
      res.writeHead(401, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ type: "about:blank", title: "Authentication required", status: 401 }));
    });
    const refused = await ask();
    expect([refused.status, await titleOf(refused)]).toEqual([502, "Node node-a could not be read"]);
  });

  it("answers 404 for a node the hub does not know, without asking any agent", async () => {
    const before = a.seen.length;
    const unknown = await ask("node-z");
    expect([unknown.status, await titleOf(unknown)]).toEqual([404, "No such node"]);
    expect(a.seen.length).toBe(before);
  });

  it("answers 504 naming the node when the agent is silent, or drips its answer, past 2 s", async () => {
    a.override.set("/api/v1/captures", () => undefined);
    let t = Date.now();
    const silent = await ask();
    expect([silent.status, await titleOf(silent)]).toEqual([504, "Node node-a did not answer in time"]);
    expect(Date.now() - t).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - t).toBeLessThan(4000);
    a.override.set("/api/v1/captures", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const drip = setInterval(() => res.write(" "), 300);
      res.on("close", () => clearInterval(drip));
    });
    t = Date.now();
    const dripping = await ask();
    expect([dripping.status, await titleOf(dripping)]).toEqual([504, "Node node-a did not answer in time"]);
    expect(Date.now() - t).toBeLessThan(4000);
  }, 15_000);
});
