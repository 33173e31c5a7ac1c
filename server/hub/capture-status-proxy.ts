/**
 * Whether a node can capture, asked through the hub (docs/incident-tools.md "Through the hub"): the owning agent's
 * GET /api/v1/captures within 2 s, its answer checked by the contract. A node page's capture panel asks it before it
 * offers any button; capture on or off stays the agent's decision (NSATLAS_CAPTURE there).
 */
import { captureStatusSchema, type CaptureStatus } from "../contract/capture";
import type { AgentFailure, Fetched, NodeAccess } from "./cluster-source";
import { readWithin } from "./read-within";

/** The status is a few hundred bytes: an answer far larger, or slower than a page's details, is not one. */
export const CAPTURE_STATUS_TIMEOUT_MS = 2000;
const CAPTURE_STATUS_MAX_BYTES = 64 * 1024;

const failure = (kind: AgentFailure["kind"], message: string, isTimeout = false): Fetched<never> => ({ ok: false, failure: { kind, message, isTimeout } });

/** The agent's capture status, or why the node could not say (every failure of the agent is the node's: 502 or 504). */
export async function captureStatusOnNode(node: NodeAccess, signal: AbortSignal): Promise<Fetched<CaptureStatus>> {
  const deadline = Date.now() + CAPTURE_STATUS_TIMEOUT_MS;
  const answer = await node.get("/api/v1/captures", signal, {
    timeoutMs: CAPTURE_STATUS_TIMEOUT_MS,
    idleMs: CAPTURE_STATUS_TIMEOUT_MS,
    maxBytes: CAPTURE_STATUS_MAX_BYTES,
  });
  if (!answer.ok) return answer;
  const { status, body } = answer.value;
  const read = await readWithin(body, deadline, CAPTURE_STATUS_MAX_BYTES, CAPTURE_STATUS_TIMEOUT_MS);
  if ("error" in read) return failure(read.isTimeout ? "unreachable" : "error", read.error, read.isTimeout);
  if (status === 401 || status === 403) return failure("unauthorized", `the agent refused the hub's token (HTTP ${status})`);
  if (status !== 200) return failure("error", `the agent answered HTTP ${status}: ${read.text.slice(0, 300)}`);
  let json: unknown;
  try {
    json = JSON.parse(read.text);
  } catch {
    return failure("error", "the capture status is not JSON");
  }
  const parsed = captureStatusSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return failure("error", `the capture status is not in the contract (${issue === undefined ? "?" : `${issue.path.join(".")}: ${issue.message}`})`);
  }
  return { ok: true, value: parsed.data };
}
