import { ZodError } from "zod";
import { ENGINE_DETAIL_MAX, makeRuntimeStatus, type EngineState, type RuntimeName, type RuntimeStatus } from "../contract/runtime-status";
import { errorFields, logger } from "../log/logger";
import { DeadlineError } from "./deadline";
import { EngineMismatchError } from "./runtime";

/** What a failed engine call means: one of the failure states, and the underlying error's code. */
export interface EngineFailure {
  state: Exclude<EngineState, "ok" | "stopped">;
  /** A code only ("ENOENT", "HTTP 403", "gRPC UNIMPLEMENTED"): never a library's message or a stack. */
  detail: string;
}

/** Socket errors (errno codes), from Node's net module directly (dockerode) or inside a gRPC status's details. */
const SOCKET_STATES: Record<string, EngineFailure["state"]> = {
  // No engine there: no socket file, a file that is not a socket, or a socket nobody listens on.
  ENOENT: "absent",
  ENOTDIR: "absent",
  ENOTSOCK: "absent",
  ECONNREFUSED: "absent",
  // The socket's mode or an LSM said no.
  EACCES: "refused",
  EPERM: "refused",
  // It was there and the connection broke: it died, restarts, or closes on us.
  ECONNRESET: "dropped",
  EPIPE: "dropped",
  ECONNABORTED: "dropped",
  ETIMEDOUT: "timeout",
};
const SOCKET_CODE_IN_TEXT = new RegExp(`\\b(${Object.keys(SOCKET_STATES).join("|")})\\b`);

/** HTTP answers of the Docker Engine API that mean "not the API we speak" rather than "the engine failed". */
const INCOMPATIBLE_HTTP = new Set([400, 404, 405, 406, 415, 501]);

/** grpc-js status codes by number (grpc.status), kept here so this module does not load grpc-js. */
const GRPC_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;
type GrpcName = (typeof GRPC_NAMES)[number];

const GRPC_STATES: Partial<Record<GrpcName, EngineFailure["state"]>> = {
  // Our own deadline cancels the call (withDeadline aborts the signal): the only canceller there is.
  CANCELLED: "timeout",
  DEADLINE_EXCEEDED: "timeout",
  PERMISSION_DENIED: "refused",
  UNAUTHENTICATED: "refused",
  // A runtime without CRI runtime.v1 (v1alpha2 only), or a gRPC server that is not a CRI runtime.
  UNIMPLEMENTED: "incompatible",
  // The channel broke or never came up (accepted and closed): the engine died or restarts.
  UNAVAILABLE: "dropped",
};

/**
 * Maps an error from any engine call (dockerode for Docker and podman, grpc-js for CRI, zod for the
 * answer's shape, our own deadline) to one of the documented failure states. Pure.
 */
export function classifyEngineError(err: unknown): EngineFailure {
  if (err instanceof DeadlineError) return { state: "timeout", detail: `deadline ${err.ms} ms` };
  // The engine answered, but not in the shape its API defines.
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    return {
      state: "incompatible",
      detail: bounded(issue === undefined ? "answer shape" : `answer ${issue.code} at ${issue.path.map(String).join(".") || "top"}`),
    };
  }
  if (err instanceof SyntaxError) return { state: "incompatible", detail: "answer not JSON" };
  if (err instanceof EngineMismatchError) return { state: "incompatible", detail: `not ${err.expected}` };
  if (!isRecord(err)) return { state: "error", detail: "non-Error thrown" };

  const grpc = grpcStatus(err);
  if (grpc !== undefined) {
    // grpc-js reports socket errors inside UNAVAILABLE's details ("connect ENOENT /path").
    const socketCode = SOCKET_CODE_IN_TEXT.exec(grpc.details)?.[1];
    if (grpc.name === "UNAVAILABLE" && socketCode !== undefined) return { state: SOCKET_STATES[socketCode] ?? "dropped", detail: socketCode };
    // It answered, but not in HTTP/2 gRPC (an HTTP/1 server, a stream of garbage).
    if (grpc.name === "UNAVAILABLE" && /protocol error/i.test(grpc.details)) return { state: "incompatible", detail: "gRPC UNAVAILABLE: protocol error" };
    // grpc-js's own failure to decode an answer: a message that is not the CRI's.
    if (grpc.name === "INTERNAL" && /pars(e|ing)/i.test(grpc.details)) return { state: "incompatible", detail: "gRPC INTERNAL: unreadable answer" };
    return { state: GRPC_STATES[grpc.name] ?? "error", detail: `gRPC ${grpc.name}` };
  }

  // dockerode: an HTTP status other than the call's expected one.
  if (typeof err.statusCode === "number") {
    const http = err.statusCode;
    const state = http === 401 || http === 403 ? "refused" : INCOMPATIBLE_HTTP.has(http) ? "incompatible" : "error";
    return { state, detail: `HTTP ${http}` };
  }

  if (typeof err.code === "string") {
    const code = err.code;
    const state = SOCKET_STATES[code];
    if (state !== undefined) return { state, detail: code };
    // Node's HTTP parser (llhttp) on an answer that is not HTTP.
    if (code.startsWith("HPE_")) return { state: "incompatible", detail: bounded(code) };
    return { state: "error", detail: bounded(code) };
  }
  return { state: "error", detail: err instanceof Error ? bounded(err.name) : "non-Error thrown" };
}

interface CallContext {
  name: RuntimeName;
  endpoint: string;
  /** The deadline the call ran under. */
  timeoutMs: number;
  latencyMs: number;
}

/** The status an engine's failed call becomes; the whole error goes to the log, never to the answer. */
export function failedEngineStatus(context: CallContext, err: unknown): RuntimeStatus {
  const failure = classifyEngineError(err);
  logEngineFailure(context, failure, err);
  return makeRuntimeStatus({ ...context, ...failure });
}

/** The status of an engine that answered. */
export function answeringEngineStatus(context: CallContext, version?: string): RuntimeStatus {
  lastLogged.delete(context.endpoint);
  return makeRuntimeStatus({ ...context, state: "ok", ...(version === undefined ? {} : { version }) });
}

/** What was last logged at warn per endpoint: a failure is warned about once, then at debug while it lasts. */
const lastLogged = new Map<string, string>();

function logEngineFailure(context: CallContext, failure: EngineFailure, err: unknown): void {
  const fields = { engine: context.name, endpoint: context.endpoint, state: failure.state, detail: failure.detail, err: errorFields(err) };
  const key = `${failure.state} ${failure.detail}`;
  // absent is how an engine that is not installed looks (the default settings name four sockets): never a warning.
  if (failure.state !== "absent" && lastLogged.get(context.endpoint) !== key) {
    lastLogged.set(context.endpoint, key);
    logger().warn(fields, "container engine call failed");
  } else {
    logger().debug(fields, "container engine call failed");
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function grpcStatus(err: Record<string, unknown>): { name: GrpcName; details: string } | undefined {
  if (typeof err.code !== "number" || typeof err.details !== "string") return undefined;
  const name = GRPC_NAMES[err.code];
  return name === undefined ? undefined : { name, details: err.details };
}

/** One printable line, at most ENGINE_DETAIL_MAX characters. */
function bounded(text: string): string {
  const line = text.replace(/[^\x20-\x7e]+/g, " ").trim();
  return line === "" ? "unknown" : line.slice(0, ENGINE_DETAIL_MAX);
}
