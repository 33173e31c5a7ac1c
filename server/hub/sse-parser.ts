/**
 * A small, bounded parser for Server-Sent Events (the WHATWG event-stream format) as the node agent sends them
 * (server/http/handlers/event-stream.ts): `id:`, `event:`, `data:` (several lines join with "\n"), `retry:`, and
 * comments (`: heartbeat`). Lines end in "\n", "\r\n" or "\r", also across chunk boundaries. A frame or a line longer
 * than `maxFrameChars` is an error (an agent answering garbage must not grow the hub's memory). Pure: feed it text.
 */

export interface SseFrame {
  /** The `event:` field; "message" when the frame had none. */
  event: string;
  data: string;
  /** The `id:` of this frame, if it had one. */
  id?: string;
  /** A `retry:` (milliseconds) in this frame. */
  retry?: number;
}

export class SseError extends Error {
  override readonly name = "SseError";
}

/** An agent's frames are a few KB: 1 MiB is far beyond any real one. */
export const MAX_FRAME_CHARS = 1024 * 1024;

export class SseParser {
  /** The latest `id:` seen (what a reconnect sends as Last-Event-ID). */
  lastEventId: string | undefined;
  private line = "";
  private afterCr = false;
  private event = "";
  private data: string[] = [];
  private dataChars = 0;
  private id: string | undefined;
  private retry: number | undefined;

  constructor(
    private readonly onFrame: (frame: SseFrame) => void,
    private readonly onComment: (text: string) => void = () => undefined,
    private readonly maxFrameChars = MAX_FRAME_CHARS,
  ) {}

  /** Parses a chunk of the stream; throws SseError past the size limit. */
  feed(chunk: string): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // "\r\n" split across chunks: the "\n" ends nothing new.
      if (c === 10 && i === 0 && this.afterCr) {
        this.afterCr = false;
        start = 1;
        continue;
      }
      this.appendLine(chunk.slice(start, i));
      this.takeLine();
      // A "\r" that ends the chunk may be the first half of a "\r\n".
      this.afterCr = c === 13 && i === chunk.length - 1;
      if (c === 13 && chunk.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    if (start < chunk.length) {
      this.afterCr = false;
      this.appendLine(chunk.slice(start));
    }
  }

  private appendLine(text: string): void {
    if (this.line.length + text.length + this.dataChars > this.maxFrameChars) {
      throw new SseError(`an event-stream frame is longer than ${this.maxFrameChars} characters`);
    }
    this.line += text;
  }

  private takeLine(): void {
    const line = this.line;
    this.line = "";
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return this.onComment(line.slice(1).trimStart());
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.event = value;
        break;
      case "data":
        this.data.push(value);
        this.dataChars += value.length + 1;
        break;
      case "id":
        if (!value.includes("\0")) this.id = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        // Unknown fields are ignored, as the format says.
        break;
    }
  }

  private dispatch(): void {
    if (this.id !== undefined) this.lastEventId = this.id;
    const hasData = this.data.length > 0;
    const frame: SseFrame = { event: this.event === "" ? "message" : this.event, data: this.data.join("\n") };
    if (this.id !== undefined) frame.id = this.id;
    if (this.retry !== undefined) frame.retry = this.retry;
    this.event = "";
    this.data = [];
    this.dataChars = 0;
    this.id = undefined;
    this.retry = undefined;
    // A frame without data is not an event (the agent's first frame carries only `retry:`).
    if (hasData) this.onFrame(frame);
  }
}
