/**
 * GET /api/v1/events: the node's changes as Server-Sent Events, for the dashboard and the node agent.
 *   id: <seq>            every change event, so a reconnecting client resumes with Last-Event-ID
 *   event: change        data: ChangeEvent (server/contract/events.ts)
 *   event: resync        the missed events cannot be replayed (too old, another agent process, or this
 *                        client fell behind): read the snapshot again
 *   : heartbeat          a comment every 15 s, so proxies and clients know the stream is alive
 * A slow client never holds events in memory past `maxQueuedBytes`: past that its events are dropped and
 * it gets one resync once it has read what was queued. The stream ends cleanly when `signal` aborts.
 */
import type { ChangeEvent, ResyncEvent } from "../../contract/events";
import { problemResponse } from "../json";
import type { ChangeSource } from "./read-source";

const HEARTBEAT_MS = 15_000;
const MAX_QUEUED_BYTES = 256 * 1024;
/** Tells EventSource how long to wait before reconnecting. */
const RETRY_MS = 2000;

export interface EventStreamOptions {
  /** Ends every stream (the server is shutting down). */
  signal?: AbortSignal;
  heartbeatMs?: number;
  maxQueuedBytes?: number;
}

const encoder = new TextEncoder();

function changeFrame(event: ChangeEvent): Uint8Array {
  return encoder.encode(`id: ${event.seq}\nevent: change\ndata: ${JSON.stringify(event)}\n\n`);
}

function resyncFrame(resync: ResyncEvent): Uint8Array {
  return encoder.encode(`id: ${resync.seq}\nevent: resync\ndata: ${JSON.stringify(resync)}\n\n`);
}

/** Last-Event-ID (sent by EventSource when it reconnects) or `?lastEventId=`: a sequence number, or none. */
function resumeFrom(request: Request): { ok: true; seq: number | undefined } | { ok: false } {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId");
  if (raw === null || raw === "") return { ok: true, seq: undefined };
  return /^\d{1,15}$/.test(raw) ? { ok: true, seq: Number(raw) } : { ok: false };
}

export function eventStreamHandler(request: Request, source: ChangeSource, options: EventStreamOptions = {}): Response {
  const resume = resumeFrom(request);
  if (!resume.ok) return problemResponse(400, "Malformed Last-Event-ID", "Last-Event-ID must be the sequence number of an event this stream sent");
  const maxQueuedBytes = options.maxQueuedBytes ?? MAX_QUEUED_BYTES;
  // Set up by start(); pull() and cancel() reach the stream's state through it.
  let stream: { end(): void; caughtUp(): void } | undefined;

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let isBehind = false;
        let isClosed = false;
        const send = (frame: Uint8Array) => {
          if (isClosed || isBehind) return;
          // desiredSize goes below zero once the client stops reading: drop from here and resync later.
          if ((controller.desiredSize ?? 0) <= 0) {
            isBehind = true;
            return;
          }
          controller.enqueue(frame);
        };
        controller.enqueue(encoder.encode(`retry: ${RETRY_MS}\n: nsatlas events, seq ${source.lastSeq()}\n\n`));
        if (resume.seq !== undefined) {
          const missed = source.since(resume.seq);
          if (missed === undefined) send(resyncFrame({ seq: source.lastSeq(), reason: `events after ${resume.seq} are no longer kept by this agent` }));
          else for (const event of missed) send(changeFrame(event));
        }
        const unsubscribe = source.subscribe((event) => send(changeFrame(event)));
        const heartbeat = setInterval(() => send(encoder.encode(": heartbeat\n\n")), options.heartbeatMs ?? HEARTBEAT_MS);
        heartbeat.unref();
        const end = () => {
          if (isClosed) return;
          isClosed = true;
          clearInterval(heartbeat);
          unsubscribe();
          options.signal?.removeEventListener("abort", close);
        };
        const close = () => {
          const wasOpen = !isClosed;
          end();
          if (wasOpen) controller.close();
        };
        options.signal?.addEventListener("abort", close);
        if (options.signal?.aborted) close();
        const caughtUp = () => {
          if (!isBehind || isClosed) return;
          isBehind = false;
          send(resyncFrame({ seq: source.lastSeq(), reason: "this client fell behind and events were dropped" }));
        };
        stream = { end, caughtUp };
      },
      // Called whenever the client has read what was queued: the moment to tell a lagging one to resync.
      pull() {
        stream?.caughtUp();
      },
      cancel() {
        stream?.end();
      },
    },
    { highWaterMark: maxQueuedBytes, size: (chunk) => chunk.byteLength },
  );
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", "x-accel-buffering": "no" },
  });
}
