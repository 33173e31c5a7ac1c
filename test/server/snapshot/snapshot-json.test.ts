/** A snapshot's JSON bytes (server/snapshot/snapshot-json.ts) and how they are answered (server/http/front/to-web.ts bytesResponse). */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bytesResponse, sendWebResponse } from "../../../server/http/front/to-web";
import { snapshotSchema } from "../../../server/contract/snapshot";
import { snapshotJsonBytes, snapshotJsonParts } from "../../../server/snapshot/snapshot-json";

const recorded = snapshotSchema.parse(
  JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../fixtures/snapshot/lab-snapshot.json"), "utf8")).snapshot,
);

describe("a snapshot's JSON bytes", () => {
  it("are byte for byte JSON.stringify's UTF-8, for the lab's snapshot", () => {
    expect(recorded.netns.length).toBeGreaterThan(0);
    expect(snapshotJsonBytes(recorded).equals(Buffer.from(JSON.stringify(recorded)))).toBe(true);
  });

  it("are, as the command line writes them piece by piece, the same text", () => {
    const parts = snapshotJsonParts(recorded);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.join("")).toBe(JSON.stringify(recorded));
  });

  it("stay so when a member holds text beyond one byte per character, and leave out undefined members as JSON.stringify does", () => {
    const runtimes = recorded.runtimes.map((r) => ({ ...r, detail: "docker — not answering (ECONNREFUSED) ☹" }));
    const odd = { ...recorded, runtimes, extra: undefined, empty: {}, list: [] };
    expect(snapshotJsonBytes(odd).equals(Buffer.from(JSON.stringify(odd)))).toBe(true);
    expect(snapshotJsonBytes({}).toString()).toBe("{}");
    expect(snapshotJsonBytes({ only: undefined }).toString()).toBe("{}");
  });
});

describe("an answer over held bytes", () => {
  it("is read as those bytes by any reader, and written as they are by the front server, with their length", async () => {
    const bytes = snapshotJsonBytes(recorded);
    const init = { status: 200, headers: { "content-type": "application/json" } };
    expect(Buffer.from(await bytesResponse(bytes, init).arrayBuffer()).equals(bytes)).toBe(true);
    const server = http.createServer((_req, res) => void sendWebResponse(res, bytesResponse(bytes, init), {}, false));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(res.headers.get("content-length")).toBe(String(bytes.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    } finally {
      server.close();
    }
  });

  it("never lets a reader change the held bytes", async () => {
    const bytes = Buffer.from('{"a":1}');
    const body = bytesResponse(bytes, { status: 200 }).body;
    if (body === null) throw new Error("no body");
    const { value } = await body.getReader().read();
    if (value === undefined) throw new Error("no chunk");
    value.fill(0);
    expect(bytes.toString()).toBe('{"a":1}');
  });
});
