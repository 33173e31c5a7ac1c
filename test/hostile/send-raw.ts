/**
 * Sends one HTTP/1.x request as exact bytes over a node:net socket and reads the answer with a small parser of
 * its own: fetch and http.request normalise the request target (dot segments, backslashes, percent-encoding) and
 * refuse to send the malformed heads these tests need. The outcome says whether the server answered, timed out,
 * reset the connection or closed it without a word.
 */
import net from "node:net";

export interface RawAnswer {
  status: number;
  /** The status line's HTTP version, e.g. "HTTP/1.1". */
  version: string;
  /** Header names in lower case; a repeated header keeps every value. */
  headers: Record<string, string[]>;
  body: Buffer;
  /** The connection was reset after the answer had arrived in full (the answer still counts). */
  isResetAfterAnswer: boolean;
}

export type RawOutcome =
  | { kind: "answer"; answer: RawAnswer; ms: number }
  | { kind: "timeout"; ms: number; receivedBytes: number }
  | { kind: "reset"; ms: number; error: string; receivedBytes: number }
  | { kind: "closed"; ms: number; receivedBytes: number }
  | { kind: "garbled"; ms: number; detail: string; received: string };

export interface RawTarget {
  host: string;
  port: number;
  /** The socket's local address: which peer the server sees (any 127.x.y.z works on Linux loopback). */
  localAddress?: string;
}

export interface RawRequest {
  bytes: Buffer;
  /** A HEAD answer has no body whatever its Content-Length says. */
  isHead: boolean;
  timeoutMs?: number;
}

/** The first value of a header, or undefined. */
export function header(answer: RawAnswer, name: string): string | undefined {
  return answer.headers[name.toLowerCase()]?.[0];
}

type Parsed = { state: "more" } | { state: "done"; answer: Omit<RawAnswer, "isResetAfterAnswer"> } | { state: "bad"; detail: string };

const HEAD_END = Buffer.from("\r\n\r\n");
const CRLF = Buffer.from("\r\n");

/** Where a chunked body ends (after the last chunk and its trailers), or "more", or an error. */
function chunkedBody(data: Buffer, start: number): { end: number; body: Buffer } | "more" | string {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, at);
    if (lineEnd < 0) return "more";
    const sizeText = data.subarray(at, lineEnd).toString("latin1").split(";")[0]?.trim() ?? "";
    if (!/^[0-9a-f]+$/i.test(sizeText)) return `bad chunk size ${JSON.stringify(sizeText.slice(0, 40))}`;
    const size = parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) {
      // Trailers, then an empty line.
      for (;;) {
        const trailerEnd = data.indexOf(CRLF, at);
        if (trailerEnd < 0) return "more";
        const isEmpty = trailerEnd === at;
        at = trailerEnd + 2;
        if (isEmpty) return { end: at, body: Buffer.concat(parts) };
      }
    }
    if (data.length < at + size + 2) return "more";
    parts.push(data.subarray(at, at + size));
    at += size + 2;
  }
}

/** Parses what has arrived so far; `isClosed` when the peer has finished sending (a body read to the close is then complete). */
function parse(data: Buffer, isHead: boolean, isClosed: boolean): Parsed {
  let start = 0;
  for (;;) {
    const headEnd = data.indexOf(HEAD_END, start);
    if (headEnd < 0) return { state: "more" };
    const lines = data.subarray(start, headEnd).toString("latin1").split("\r\n");
    const statusLine = /^(HTTP\/\d\.\d) (\d{3})(?: .*)?$/.exec(lines[0] ?? "");
    if (statusLine === null) return { state: "bad", detail: `bad status line ${JSON.stringify((lines[0] ?? "").slice(0, 80))}` };
    const status = Number(statusLine[2]);
    const headers: Record<string, string[]> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) return { state: "bad", detail: `bad header line ${JSON.stringify(line.slice(0, 80))}` };
      const name = line.slice(0, colon).trim().toLowerCase();
      (headers[name] ??= []).push(line.slice(colon + 1).trim());
    }
    const bodyStart = headEnd + 4;
    // An interim answer (100 Continue, 103 Early Hints) is followed by the real one.
    if (status >= 100 && status < 200 && status !== 101) {
      start = bodyStart;
      continue;
    }
    const answer = (body: Buffer) => ({ state: "done" as const, answer: { status, version: statusLine[1] ?? "", headers, body } });
    if (isHead || status === 204 || status === 304 || status === 101) return answer(Buffer.alloc(0));
    if ((headers["transfer-encoding"]?.join(",") ?? "").toLowerCase().includes("chunked")) {
      const chunked = chunkedBody(data, bodyStart);
      if (chunked === "more") return isClosed ? { state: "bad", detail: "chunked body cut short by the close" } : { state: "more" };
      if (typeof chunked === "string") return { state: "bad", detail: chunked };
      return answer(chunked.body);
    }
    const lengthText = headers["content-length"]?.[0];
    if (lengthText !== undefined) {
      const length = Number(lengthText);
      if (!Number.isInteger(length) || length < 0) return { state: "bad", detail: `bad content-length ${lengthText}` };
      if (data.length - bodyStart >= length) return answer(data.subarray(bodyStart, bodyStart + length));
      return isClosed ? { state: "bad", detail: `body cut short: ${data.length - bodyStart} of ${length} bytes` } : { state: "more" };
    }
    // No length: the body runs to the close.
    return isClosed ? answer(data.subarray(bodyStart)) : { state: "more" };
  }
}

/** Sends `request.bytes` in one write and resolves with the first complete answer (never rejects). */
export function sendRaw(target: RawTarget, request: RawRequest): Promise<RawOutcome> {
  const timeoutMs = request.timeoutMs ?? 10_000;
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let isSettled = false;
    let isClosed = false;
    const socket = net.connect({ host: target.host, port: target.port, ...(target.localAddress === undefined ? {} : { localAddress: target.localAddress }) });
    const settle = (outcome: RawOutcome) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const ms = () => Date.now() - started;
    const timer = setTimeout(() => settle({ kind: "timeout", ms: ms(), receivedBytes: received }), timeoutMs);
    /** Settles on a complete or unreadable answer; false while more bytes are needed. */
    const tryParse = (): boolean => {
      const data = Buffer.concat(chunks);
      const parsed = parse(data, request.isHead, isClosed);
      if (parsed.state === "done") settle({ kind: "answer", answer: { ...parsed.answer, isResetAfterAnswer: false }, ms: ms() });
      else if (parsed.state === "bad") settle({ kind: "garbled", ms: ms(), detail: parsed.detail, received: data.subarray(0, 300).toString("latin1") });
      return parsed.state !== "more";
    };
    socket.on("connect", () => socket.write(request.bytes));
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      tryParse();
    });
    socket.on("end", () => {
      isClosed = true;
      if (!tryParse()) settle({ kind: "closed", ms: ms(), receivedBytes: received });
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      // A reset after a complete answer (the server closed with our unread bytes still queued) is still an answer.
      const parsed = parse(Buffer.concat(chunks), request.isHead, false);
      if (parsed.state === "done") settle({ kind: "answer", answer: { ...parsed.answer, isResetAfterAnswer: true }, ms: ms() });
      else settle({ kind: "reset", ms: ms(), error: err.code ?? err.message, receivedBytes: received });
    });
    socket.on("close", () => {
      isClosed = true;
      if (!tryParse()) settle({ kind: "closed", ms: ms(), receivedBytes: received });
    });
  });
}
