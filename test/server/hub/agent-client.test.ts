import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { WRITE_HEADER } from "../../../server/contract/headers";
import { AgentClient, AgentError, contractMajor, HUB_CONTRACT_MAJOR } from "../../../server/hub/agent-client";
import type { SseFrame } from "../../../server/hub/sse-parser";
import { fakeAgent, overviewOf, type FakeAgent } from "./fake-agent";

const TOKEN = "agent-token-0123456789";

let agent: FakeAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

async function failure(work: Promise<unknown>): Promise<AgentError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof AgentError) return err;
    throw err;
  }
  throw new Error("it did not fail");
}

describe("AgentClient", () => {
  it("reads the version and the overview with the bearer token, parsed by the contract", async () => {
    agent = await fakeAgent({ overview: overviewOf("node-1"), token: TOKEN });
    const client = new AgentClient(agent.url, TOKEN);
    expect(await client.health()).toEqual({ version: "0.1.0" });
    expect((await client.overview()).node.name).toBe("node-1");
    expect(agent.seen).toEqual(["GET /api/v1/healthz", "GET /api/v1/snapshot?view=overview"]);
    client.close();
  });

  it("sends a write (a capture's POST) with the write header and a read without, so a tokenless agent on loopback takes the hub's writes too", async () => {
    agent = await fakeAgent({ overview: overviewOf("node-1") });
    const seen: http.IncomingHttpHeaders[] = [];
    agent.override.set("/api/v1/captures", (req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    const res = await new AgentClient(agent.url, undefined).request("/api/v1/captures", { timeoutMs: 2000, json: '{"netnsId":"1","iface":"lo"}' });
    res.resume();
    const res2 = await new AgentClient(agent.url, TOKEN).request("/api/v1/captures", { timeoutMs: 2000 });
    res2.resume();
    expect(seen.length).toBe(2);
    expect([seen[0]?.[WRITE_HEADER], seen[0]?.["content-type"], seen[0]?.authorization]).toEqual(["1", "application/json", undefined]);
    expect([seen[1]?.[WRITE_HEADER], seen[1]?.authorization]).toEqual([undefined, `Bearer ${TOKEN}`]);
  });

  it("calls a refused token unauthorized, another major version-mismatch", async () => {
    agent = await fakeAgent({ overview: overviewOf("node-1"), token: TOKEN });
    const wrong = new AgentClient(agent.url, "wrong-token-0123456789");
    expect(await failure(wrong.health())).toMatchObject({ kind: "unauthorized", message: expect.stringMatching(/HTTP 401.*NSATLAS_AGENT_TOKEN/) });
    expect(await failure(wrong.openEvents({ signal: new AbortController().signal, onFrame: () => undefined, onComment: () => undefined }))).toMatchObject({
      kind: "unauthorized",
    });
    agent.version = `${HUB_CONTRACT_MAJOR + 1}.0.0`;
    const client = new AgentClient(agent.url, TOKEN);
    expect(await failure(client.health())).toMatchObject({ kind: "version-mismatch", message: expect.stringMatching(/runs nsatlas \d+\.0\.0/) });
    expect([contractMajor("0.1.0"), contractMajor("v12.3.4"), contractMajor("garbage")]).toEqual([0, 12, undefined]);
  });

  it("calls garbage, a shape outside the contract, an error status and an over-large answer errors", async () => {
    agent = await fakeAgent({ overview: overviewOf("node-1") });
    const client = new AgentClient(agent.url, undefined);
    agent.override.set("/api/v1/healthz", (_req, res) => res.end("<html>hello</html>"));
    expect(await failure(client.health())).toMatchObject({ kind: "error", message: expect.stringMatching(/not JSON/) });
    agent.override.set("/api/v1/healthz", (_req, res) => res.end(JSON.stringify({ version: 7 })));
    expect(await failure(client.health())).toMatchObject({ kind: "error", message: expect.stringMatching(/not in the contract \(version:/) });
    agent.override.set("/api/v1/snapshot", (_req, res) => res.end(JSON.stringify({ ...overviewOf("x"), netns: "no" })));
    expect(await failure(client.overview())).toMatchObject({ kind: "error", message: expect.stringMatching(/not in the contract \(netns:/) });
    agent.override.set("/api/v1/snapshot", (_req, res) => {
      res.writeHead(503, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ type: "about:blank", title: "The node could not be read", status: 503, detail: "boom" }));
    });
    expect(await failure(client.overview())).toMatchObject({
      kind: "error",
      message: "GET /api/v1/snapshot?view=overview: HTTP 503 The node could not be read: boom",
    });
    // 1 MiB is the most a health answer may be: declared, or streamed without a length.
    agent.override.set("/api/v1/healthz", (_req, res) => {
      res.writeHead(200, { "content-length": String(2 * 1024 * 1024) });
      res.end(Buffer.alloc(2 * 1024 * 1024, 32));
    });
    expect(await failure(client.health())).toMatchObject({ kind: "error", message: expect.stringMatching(/2097152 bytes, more than the 1048576/) });
    agent.override.set("/api/v1/healthz", (_req, res) => {
      for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024, 32));
      res.end();
    });
    expect(await failure(client.health())).toMatchObject({ kind: "error", message: expect.stringMatching(/larger than the 1048576 bytes/) });
  });

  it("calls a refused connection and a silent agent unreachable (the silent one after 2 s)", async () => {
    const closed = new AgentClient("http://127.0.0.1:1", undefined);
    expect(await failure(closed.health())).toMatchObject({ kind: "unreachable", message: "connection refused (ECONNREFUSED)", isTimeout: false });
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const started = Date.now();
    const err = await failure(new AgentClient(`http://127.0.0.1:${port}`, undefined).health());
    expect(err).toMatchObject({ kind: "unreachable", message: "no answer within 2000 ms", isTimeout: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    silent.closeAllConnections();
    silent.close();
  });

  it("follows the event stream: frames and heartbeats as they come, Last-Event-ID sent, a clean end resolves, a crash rejects", async () => {
    agent = await fakeAgent({ overview: overviewOf("node-1") });
    const client = new AgentClient(agent.url, undefined);
    const frames: SseFrame[] = [];
    let comments = 0;
    const stream = await client.openEvents({
      lastEventId: "41",
      signal: new AbortController().signal,
      onFrame: (f) => frames.push(f),
      onComment: () => comments++,
    });
    agent.push('id: 42\nevent: change\ndata: {"seq":42}\n\n: heartbeat\n\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(frames).toEqual([{ event: "change", id: "42", data: '{"seq":42}' }]);
    expect(comments).toBe(2);
    expect(stream.lastEventId()).toBe("42");
    agent.crash();
    await expect(stream.ended).rejects.toMatchObject({ kind: "unreachable" });

    agent.override.set("/api/v1/events", (req, res) => {
      expect(req.headers["last-event-id"]).toBe("9");
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end("id: 10\nevent: change\ndata: {}\n\n");
    });
    const ending = await client.openEvents({ lastEventId: "9", signal: new AbortController().signal, onFrame: () => undefined, onComment: () => undefined });
    await expect(ending.ended).resolves.toBeUndefined();

    agent.override.set("/api/v1/events", (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${"x".repeat(2 * 1024 * 1024)}`);
    });
    const huge = await client.openEvents({ signal: new AbortController().signal, onFrame: () => undefined, onComment: () => undefined });
    await expect(huge.ended).rejects.toMatchObject({ kind: "error", message: expect.stringMatching(/longer than 1048576 characters/) });

    agent.override.set("/api/v1/events", (_req, res) => res.end("{}"));
    expect(await failure(client.openEvents({ signal: new AbortController().signal, onFrame: () => undefined, onComment: () => undefined }))).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/not an event stream/),
    });
    client.close();
  });
});
