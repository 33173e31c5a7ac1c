import { describe, expect, it } from "vitest";
import { SseError, SseParser, type SseFrame } from "../../../server/hub/sse-parser";

function parse(chunks: string[], max?: number): { frames: SseFrame[]; comments: string[]; parser: SseParser } {
  const frames: SseFrame[] = [];
  const comments: string[] = [];
  const parser = new SseParser(
    (f) => frames.push(f),
    (c) => comments.push(c),
    max,
  );
  for (const c of chunks) parser.feed(c);
  return { frames, comments, parser };
}

/** What the node agent sends (server/http/handlers/event-stream.ts). */
const AGENT_STREAM =
  "retry: 2000\n: nsatlas events, seq 0\n\n" +
  'id: 1\nevent: change\ndata: {"seq":1,"added":["4026532001"]}\n\n' +
  ": heartbeat\n\n" +
  'id: 2\nevent: resync\ndata: {"seq":2,"reason":"x"}\n\n';

describe("SseParser", () => {
  it("reads the agent's frames, comments and ids", () => {
    const { frames, comments, parser } = parse([AGENT_STREAM]);
    expect(frames).toEqual([
      { event: "change", id: "1", data: '{"seq":1,"added":["4026532001"]}' },
      { event: "resync", id: "2", data: '{"seq":2,"reason":"x"}' },
    ]);
    expect(comments).toEqual(["nsatlas events, seq 0", "heartbeat"]);
    expect(parser.lastEventId).toBe("2");
  });

  it("gives the same frames however the stream is cut, one character at a time included", () => {
    const whole = parse([AGENT_STREAM]).frames;
    expect(parse([...AGENT_STREAM]).frames).toEqual(whole);
    for (let cut = 1; cut < AGENT_STREAM.length; cut += 7) expect(parse([AGENT_STREAM.slice(0, cut), AGENT_STREAM.slice(cut)]).frames).toEqual(whole);
  });

  it("takes \\r\\n and \\r line ends, also split across chunks", () => {
    const crlf = AGENT_STREAM.replace(/\n/g, "\r\n");
    expect(parse([crlf]).frames).toEqual(parse([AGENT_STREAM]).frames);
    expect(parse([...crlf]).frames).toEqual(parse([AGENT_STREAM]).frames);
    expect(parse([AGENT_STREAM.replace(/\n/g, "\r")]).frames).toEqual(parse([AGENT_STREAM]).frames);
    // "\r" at the end of one chunk, "\n" starting the next, then a real empty line.
    expect(parse(["data: a\r", "\n\r", "\n"]).frames).toEqual([{ event: "message", data: "a" }]);
  });

  it("joins data lines, defaults the event to message, ignores unknown fields and frames without data", () => {
    const { frames } = parse(["data: one\ndata:two\nfoo: bar\n\nevent: x\n\nid: 7\n\ndata\n\n"]);
    expect(frames).toEqual([
      { event: "message", data: "one\ntwo" },
      { event: "message", data: "" },
    ]);
  });

  it("keeps the last id across frames, refuses an id with NUL, reads retry", () => {
    const { frames, parser } = parse(["id: 5\ndata: a\n\nid: x\u0000y\ndata: b\n\nretry: 300\ndata: c\n\n"]);
    expect(frames.map((f) => f.id)).toEqual(["5", undefined, undefined]);
    expect(frames[2]?.retry).toBe(300);
    expect(parser.lastEventId).toBe("5");
  });

  it("refuses a frame or a line past the limit, with or without line ends", () => {
    expect(() => parse([`data: ${"x".repeat(100)}\n\n`], 50)).toThrow(SseError);
    expect(() => parse(["x".repeat(40), "x".repeat(40)], 50)).toThrow(/longer than 50 characters/);
    expect(() => parse(["data: 1234567890\n".repeat(10)], 50)).toThrow(SseError);
    expect(parse(["data: 1234567890\n\n".repeat(10)], 50).frames).toHaveLength(10);
  });
});
