/** A proxied agent answer read whole, bounded in time and size: the headers came within the call's own timeout; a dripping or endless body must not stretch it. */
export type ReadWithin = { text: string } | { error: string; isTimeout: boolean };

/** Reads a whole stream as text by `deadline` (`budgetMs` after the call began, for the message), at most `maxBytes`. */
export async function readWithin(body: ReadableStream<Uint8Array>, deadline: number, maxBytes: number, budgetMs: number): Promise<ReadWithin> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), Math.max(0, deadline - Date.now()));
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "late") return { error: `the answer did not arrive within ${budgetMs} ms`, isTimeout: true };
      if (next.done) break;
      bytes += next.value.byteLength;
      if (bytes > maxBytes) return { error: `the answer is larger than ${maxBytes} bytes`, isTimeout: false };
      chunks.push(next.value);
    }
    return { text: Buffer.concat(chunks).toString("utf8") };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err), isTimeout: false };
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => undefined);
  }
}
