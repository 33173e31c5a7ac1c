/**
 * An agent's answer (node:http) as a web ReadableStream for a route to hand on, bounded: past `maxBytes` or `idleMs`
 * without a chunk the stream errors (the client sees the answer cut, never an endless or endless-growing one) and the
 * agent's connection is dropped. Backpressure: the agent's socket pauses while the client does not read.
 */
import type http from "node:http";

export function streamAnswer(res: http.IncomingMessage, options: { maxBytes: number; idleMs: number }): ReadableStream<Uint8Array> {
  let timer: NodeJS.Timeout | undefined;
  let isDone = false;
  const stop = () => {
    isDone = true;
    clearTimeout(timer);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const fail = (message: string) => {
          if (isDone) return;
          stop();
          res.destroy();
          controller.error(new Error(message));
        };
        const arm = () => {
          clearTimeout(timer);
          timer = setTimeout(() => fail(`the agent sent nothing for ${options.idleMs} ms`), options.idleMs);
          timer.unref();
        };
        let bytes = 0;
        arm();
        res.on("data", (chunk: Buffer) => {
          if (isDone) return;
          bytes += chunk.length;
          if (bytes > options.maxBytes) return fail(`the answer is larger than ${options.maxBytes} bytes`);
          controller.enqueue(new Uint8Array(chunk));
          arm();
          if ((controller.desiredSize ?? 1) <= 0) res.pause();
        });
        res.on("end", () => {
          if (isDone) return;
          stop();
          controller.close();
        });
        res.on("error", (err) => fail(err.message));
        res.on("close", () => {
          if (!res.complete) fail("the agent's answer broke off");
        });
      },
      pull() {
        res.resume();
      },
      cancel() {
        stop();
        res.destroy();
      },
    },
    { highWaterMark: 1024 * 1024, size: (chunk) => chunk.byteLength },
  );
}

/** Reads at most `maxBytes` of a stream as text (for an error answer's problem), then cancels the rest. */
export async function readSome(body: ReadableStream<Uint8Array>, maxBytes = 64 * 1024): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    while (bytes < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.byteLength;
    }
  } catch {
    // A broken error answer: what came is enough.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, maxBytes);
}
