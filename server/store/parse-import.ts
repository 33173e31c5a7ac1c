import { findAnomalies } from "../anomalies/find-anomalies";
import { snapshotIdSchema } from "../contract/history";
import { snapshotSchema, type Snapshot } from "../contract/snapshot";

export type ImportResult = { ok: true; snapshot: Snapshot } | { ok: false; title: string; detail: string };

const MAX_ISSUES = 5;

/**
 * Reads a snapshot file (the dashboard's export or `nsatlas snapshot --json`): size first, then JSON,
 * then the contract. Every refusal says what is wrong and where, in words a person can act on.
 */
export function parseImport(bytes: Uint8Array, maxBytes: number): ImportResult {
  if (bytes.length === 0)
    return { ok: false, title: "Empty file", detail: "the file has no content: export a snapshot from nsatlas, or run `nsatlas snapshot --json > file`" };
  if (bytes.length > maxBytes) {
    return { ok: false, title: "File too large", detail: `the file has ${bytes.length} bytes; the limit is ${maxBytes} (NSATLAS_IMPORT_MAX_MB)` };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (err) {
    // A fatal TextDecoder throws a TypeError on bytes that are not UTF-8, and nothing else: the person's file, not our failure.
    if (!(err instanceof TypeError)) throw err;
    return { ok: false, title: "Not a text file", detail: "the file is not UTF-8 text: a snapshot is a JSON file" };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // JSON.parse throws only SyntaxError: the file's fault, answered below; anything else is ours to surface.
    if (!(err instanceof SyntaxError)) throw err;
    const reason = err.message;
    // V8 says "... at position N": a complaint at the very end of the text means the text stopped early.
    const position = Number(/position (\d+)/.exec(reason)?.[1] ?? Number.NaN);
    const truncated = /end of JSON|Unexpected end/i.test(reason) || position >= text.trimEnd().length;
    return {
      ok: false,
      title: truncated ? "Truncated file" : "Not JSON",
      detail: truncated
        ? `the JSON stops before it is complete (${text.length} characters read): the file was cut off`
        : `the file is not valid JSON: ${reason}`,
    };
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((i) => `${i.path.length === 0 ? "(top level)" : i.path.join(".")}: ${i.message}`);
    const more = parsed.error.issues.length > MAX_ISSUES ? ` (and ${parsed.error.issues.length - MAX_ISSUES} more)` : "";
    return { ok: false, title: "Not an nsatlas snapshot", detail: `the JSON does not match the snapshot format: ${issues.join("; ")}${more}` };
  }
  const id = snapshotIdSchema.safeParse(parsed.data.id);
  if (!id.success) return { ok: false, title: "Not an nsatlas snapshot", detail: `id: ${id.error.issues[0]?.message ?? "malformed"}` };
  if (Number.isNaN(Date.parse(parsed.data.takenAt))) return { ok: false, title: "Not an nsatlas snapshot", detail: "takenAt: not a date" };
  const snapshot = parsed.data;
  // Files from before anomalies existed carry none: compute them as the agent would have.
  return { ok: true, snapshot: snapshot.anomalies.length > 0 ? snapshot : { ...snapshot, anomalies: findAnomalies(snapshot) } };
}
