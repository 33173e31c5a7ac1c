/**
 * The main thread's checks of what the reader worker posts (reader-protocol.ts): each reply is
 * validated on arrival, and its bytes become Buffers. The schemas are typed against the protocol's
 * own types, so the two cannot drift apart.
 */
import * as z from "zod";
import type { AskResult, DiagResult, FullReadResult, ReadResult, ReplyBatch, WatchUnavailable } from "./reader-protocol";

const bytes = z.instanceof(ArrayBuffer).transform((b): Buffer => Buffer.from(b));
const failure = z.object({ id: z.string(), ok: z.literal(false), stage: z.string(), errno: z.number().int() });

const watchUnavailableSchema: z.ZodType<WatchUnavailable> = z.object({ stage: z.string(), errno: z.number().int() });

const batchSchema: z.ZodType<ReplyBatch<unknown>> = z.object({
  requestId: z.number().int(),
  results: z.array(z.unknown()),
  done: z.boolean(),
  watchUnavailable: watchUnavailableSchema.optional(),
});

/** One posted batch; its results are checked one by one by the function for their request's kind. */
export function toReplyBatch(raw: unknown): ReplyBatch<unknown> {
  return batchSchema.parse(raw);
}

const diagResultSchema: z.ZodType<DiagResult, DiagResult<ArrayBuffer>> = z.discriminatedUnion("ok", [
  z.object({ id: z.string(), ok: z.literal(true), answers: z.array(bytes) }),
  failure,
]);

export function toDiagResult(raw: unknown): DiagResult {
  return diagResultSchema.parse(raw);
}

const askResultSchema: z.ZodType<AskResult, AskResult<ArrayBuffer>> = z.discriminatedUnion("ok", [
  z.object({ id: z.string(), ok: z.literal(true), answers: z.array(z.object({ id: z.string(), answer: bytes })) }),
  failure.extend({ answers: z.tuple([]) }),
]);

export function toAskResult(raw: unknown): AskResult {
  return askResultSchema.parse(raw);
}

/**
 * Checks one read result. A hand-written guard rather than zod: it runs once per namespace per
 * snapshot (zod cost ~9 µs each, ~10 ms at 1,000 namespaces), and the bytes inside are validated by
 * the netlink parser anyway.
 */
export function toReadResult(raw: unknown): ReadResult {
  if (typeof raw !== "object" || raw === null) throw new TypeError("reader worker sent a non-object result");
  const r: Record<string, unknown> = { ...raw };
  if (typeof r.id !== "string") throw new TypeError("reader worker result without an id");
  if (r.ok === false) {
    if (typeof r.stage !== "string" || typeof r.errno !== "number") throw new TypeError(`reader worker failure for ${r.id} is malformed`);
    return { id: r.id, ok: false, stage: r.stage, errno: r.errno };
  }
  if (r.ok !== true || (r.reading !== undefined && typeof r.reading !== "string")) throw new TypeError(`reader worker result for ${r.id} is malformed`);
  if (r.kind === "counters") {
    if (!(r.counters instanceof ArrayBuffer) || typeof r.reading !== "string") throw new TypeError(`reader worker counters for ${r.id} are malformed`);
    return { id: r.id, ok: true, kind: "counters", counters: Buffer.from(r.counters), reading: r.reading };
  }
  const answers = r.answers;
  if (r.kind !== "full" || !Array.isArray(answers) || answers.length !== 3 || !(r.hostIdHere instanceof ArrayBuffer))
    throw new TypeError(`reader worker result for ${r.id} is malformed`);
  const [links, addrs, routes] = answers;
  if (!(links instanceof ArrayBuffer) || !(addrs instanceof ArrayBuffer) || !(routes instanceof ArrayBuffer))
    throw new TypeError(`reader worker answers for ${r.id} are not bytes`);
  const full: FullReadResult = {
    id: r.id,
    ok: true,
    kind: "full",
    answers: [Buffer.from(links), Buffer.from(addrs), Buffer.from(routes)],
    hostIdHere: Buffer.from(r.hostIdHere),
  };
  return typeof r.reading === "string" ? { ...full, reading: r.reading } : full;
}
