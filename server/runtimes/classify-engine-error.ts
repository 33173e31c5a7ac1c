import type { RuntimeStatus } from "../contract/runtime-status";
import { DeadlineError } from "./deadline";

type Failure = Pick<RuntimeStatus, "status" | "error">;

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** Codes that mean "the engine was there and the connection broke": it died or is restarting. */
const DROPPED_CODES = new Set(["EPIPE", "ECONNRESET", "ECONNABORTED"]);

/** Codes that mean "no engine listens here" rather than "the engine is broken". */
const ABSENT_CODES = new Set(["ENOENT", "ECONNREFUSED", "ENOTSOCK"]);

/** Maps an error from any engine call to the runtime status the snapshot reports. */
export function classifyEngineError(err: unknown, endpoint: string): Failure {
  if (err instanceof DeadlineError) return { status: "unreachable", error: `${endpoint}: ${err.message}` };
  // gRPC's own deadline (status 4, DEADLINE_EXCEEDED) may fire a moment before ours: the same verdict.
  if (typeof err === "object" && err !== null && "code" in err && err.code === GRPC_DEADLINE_EXCEEDED) {
    return { status: "unreachable", error: `${endpoint}: no answer before the deadline` };
  }
  const code = errorCode(err);
  if (code !== undefined && ABSENT_CODES.has(code)) {
    return { status: "absent", error: `${endpoint}: no engine listening (${code})` };
  }
  if (code !== undefined && DROPPED_CODES.has(code)) return { status: "unreachable", error: `${endpoint}: connection lost (${code})` };
  // gRPC UNAVAILABLE without a socket error underneath: the channel broke (the engine died or restarts).
  if (typeof err === "object" && err !== null && "code" in err && err.code === GRPC_UNAVAILABLE) {
    return { status: "unreachable", error: `${endpoint}: connection lost (${err instanceof Error ? err.message : "unavailable"})` };
  }
  if (code === "EACCES" || code === "EPERM") return { status: "error", error: `${endpoint}: permission denied` };
  const message = err instanceof Error ? err.message : String(err);
  return { status: "error", error: `${endpoint}: ${message}` };
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  if ("code" in err && typeof err.code === "string") return err.code;
  // grpc-js wraps socket errors in its status details text ("connect ENOENT /path").
  if ("details" in err && typeof err.details === "string") {
    const match = /\b(ENOENT|ECONNREFUSED|ENOTSOCK|EACCES|EPERM)\b/.exec(err.details);
    return match?.[1];
  }
  return undefined;
}
