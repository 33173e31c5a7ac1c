import * as z from "zod";

/** The engines nsatlas asks: "containerd-cri" and "cri-o" speak the Kubernetes CRI, podman the Docker-compatible API. */
export const RUNTIME_NAMES = ["docker", "podman", "containerd-cri", "cri-o"] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/**
 * How one engine endpoint answered: a closed set, documented in docs/api.md ("Engine states").
 * ok: answered. absent: no socket there, or nothing listens on it. stopped: absent now, but it
 * answered earlier in this agent's life. refused: permission denied on the socket, or the engine's
 * policy refused the call. timeout: no answer within NSATLAS_ENGINE_TIMEOUT_MS. dropped: the
 * connection closed before an answer. incompatible: it answered something nsatlas cannot read
 * (another protocol, another engine, an API version without the calls nsatlas makes). error:
 * anything else.
 */
export const ENGINE_STATES = ["ok", "absent", "stopped", "refused", "timeout", "dropped", "incompatible", "error"] as const;
export type EngineState = (typeof ENGINE_STATES)[number];

/** The coarse status of nsatlas before engine states existed; still sent (derived from the state) for older consumers. */
export const ENGINE_STATUSES = ["ok", "absent", "unreachable", "error"] as const;
export type EngineStatus = (typeof ENGINE_STATUSES)[number];

export const STATUS_OF_STATE: Record<EngineState, EngineStatus> = {
  ok: "ok",
  absent: "absent",
  stopped: "unreachable",
  refused: "error",
  timeout: "unreachable",
  dropped: "unreachable",
  incompatible: "error",
  error: "error",
};

/** A state in two or three words: a badge's text. */
export const ENGINE_STATE_LABELS: Record<EngineState, string> = {
  ok: "answering",
  absent: "no socket",
  stopped: "stopped",
  refused: "access refused",
  timeout: "not answering",
  dropped: "connection lost",
  incompatible: "incompatible answer",
  error: "failing",
};

/** How each engine is started, which setting names its socket, and which API nsatlas speaks to it. */
const ENGINE_SETUP: Record<RuntimeName, { start: string; setting: string; api: string }> = {
  docker: { start: "start dockerd (systemctl start docker)", setting: "NSATLAS_DOCKER_SOCKET (or DOCKER_HOST)", api: "the Docker Engine API" },
  podman: {
    start: "start podman.socket (or `podman system service --time=0`)",
    setting: "NSATLAS_PODMAN_SOCKET",
    api: "podman's Docker-compatible API (podman 4 or later)",
  },
  "containerd-cri": { start: "start containerd with its CRI plugin", setting: "NSATLAS_CRI_SOCKETS", api: "the CRI runtime.v1 API (containerd 1.6 or later)" },
  "cri-o": { start: "start crio", setting: "NSATLAS_CRI_SOCKETS", api: "the CRI runtime.v1 API" },
};

/** Separates what happened from what to do in every message. */
export const ENGINE_MESSAGE_SEPARATOR = " — ";

/**
 * The fixed message of a state: `<engine>: <what happened> — <what to do>`. Its only variables are
 * the engine, the endpoint, and (for timeout) the deadline in milliseconds.
 */
export function engineMessage(name: RuntimeName, endpoint: string, state: EngineState, timeoutMs?: number): string {
  const { start, setting, api } = ENGINE_SETUP[name];
  const [problem, action] = ((): [string, string] => {
    switch (state) {
      case "ok":
        return [`answering at ${endpoint}`, "nothing to do"];
      case "absent":
        return [`no API socket at ${endpoint}`, `${start} or set ${setting}; nothing to do if ${name} is not used on this node`];
      case "stopped":
        return [`the API socket at ${endpoint} is gone, but ${name} answered there before`, `${name} stopped or crashed: ${start} and check its logs`];
      case "refused":
        return [
          `${endpoint} refused access`,
          `give nsatlas access to the socket (root, or the socket's group) and allow it in ${name}'s authorization policy, if one is set`,
        ];
      case "timeout":
        return [
          `no answer from ${endpoint} ${timeoutMs === undefined ? "before the deadline" : `within ${timeoutMs} ms`}`,
          `${name} is hung or overloaded: check its logs, or raise NSATLAS_ENGINE_TIMEOUT_MS`,
        ];
      case "dropped":
        return [`${endpoint} closed the connection before answering`, `${name} crashed or is restarting: check its logs`];
      case "incompatible":
        return [`${endpoint} answered in a form nsatlas cannot read`, `check that ${setting} points at ${name}'s socket and that it serves ${api}`];
      case "error":
        return [`the call to ${endpoint} failed`, "see detail, and the nsatlas log at NSATLAS_LOG_LEVEL=debug for the whole error"];
    }
  })();
  return `${name}: ${problem}${ENGINE_MESSAGE_SEPARATOR}${action}`;
}

/** A message cut into what happened (without the engine's name) and what to do, for display. */
export function splitEngineMessage(status: Pick<RuntimeStatus, "name" | "message">): { problem: string; action?: string } {
  const withoutName = status.message.startsWith(`${status.name}: `) ? status.message.slice(status.name.length + 2) : status.message;
  const cut = withoutName.indexOf(ENGINE_MESSAGE_SEPARATOR);
  if (cut < 0) return { problem: withoutName };
  return { problem: withoutName.slice(0, cut), action: withoutName.slice(cut + ENGINE_MESSAGE_SEPARATOR.length) };
}

/** The underlying error's code: one short printable line, never a library's message or a stack. */
export const ENGINE_DETAIL_MAX = 80;
const detailSchema = z
  .string()
  .min(1)
  .max(ENGINE_DETAIL_MAX)
  .regex(/^[\x20-\x7e]+$/, "one line of printable ASCII");

/**
 * Where an engine's socket path came from: "setting" (NSATLAS_DOCKER_SOCKET or DOCKER_HOST, NSATLAS_PODMAN_SOCKET,
 * NSATLAS_CRI_SOCKETS), "kubelet" (the kubelet's --container-runtime-endpoint, or containerRuntimeEndpoint in its
 * config file), "well-known" (a path distributions put the socket at). docs/api.md, "Where engines are looked for".
 */
export const SOCKET_SOURCES = ["setting", "kubelet", "well-known"] as const;
export type SocketSource = (typeof SOCKET_SOURCES)[number];

/** Where a socket path came from, in a few words (for display). */
export const SOCKET_SOURCE_LABELS: Record<SocketSource, string> = {
  setting: "set in the configuration",
  kubelet: "the kubelet's runtime endpoint",
  "well-known": "a well-known path",
};

/** One path tried while looking for an engine, and how it answered. */
export const engineCandidateSchema = z.object({
  /** The path tried, e.g. "/run/k3s/containerd/containerd.sock" (under /proc/PID/root/ for a kubelet in another mount namespace). */
  endpoint: z.string(),
  source: z.enum(SOCKET_SOURCES),
  /** How it answered, one of ENGINE_STATES; for a path that is the same socket as another candidate, that candidate's state. */
  state: z.enum(ENGINE_STATES),
  /** When not ok: the underlying error's code, as in a status's `detail`. */
  detail: detailSchema.optional(),
  /** The candidate this path is the same socket as (a symlink to it, /var/run/docker.sock and /run/docker.sock): asked once, there. */
  sameAs: z.string().optional(),
});
export type EngineCandidate = z.infer<typeof engineCandidateSchema>;

const runtimeStatusObjectSchema = z.object({
  /** Which engine: "docker", "podman", "containerd-cri" or "cri-o" (the last two speak the Kubernetes CRI). */
  name: z.enum(RUNTIME_NAMES),
  /** The socket the engine was asked on, e.g. "/var/run/docker.sock". */
  endpoint: z.string(),
  /** Coarse status, for consumers older than `state` (see STATUS_OF_STATE). */
  status: z.enum(ENGINE_STATUSES),
  /** How the engine answered: one of ENGINE_STATES (docs/api.md, "Engine states"). */
  state: z.enum(ENGINE_STATES),
  /** The state's fixed message: `<engine>: <what happened> — <what to do>` (engineMessage). */
  message: z.string(),
  /** When not ok: the underlying error's code, e.g. "ENOENT", "EACCES", "HTTP 403", "gRPC UNIMPLEMENTED", "deadline 2000 ms". */
  detail: detailSchema.optional(),
  /** stopped: when the engine last answered at this endpoint (ISO 8601). */
  lastOkAt: z.string().optional(),
  /** The engine's own version string when it answered, e.g. "20.10.24" or "containerd v1.6.20". */
  version: z.string().optional(),
  /** Deprecated (read `message`): the same text when the state is not ok. */
  error: z.string().optional(),
  /** Wall time of the probe in milliseconds. */
  latencyMs: z.number().nonnegative(),
  /** Where `endpoint` came from (SOCKET_SOURCES); absent in records written before engines were discovered. */
  source: z.enum(SOCKET_SOURCES).optional(),
  /**
   * When the engine's socket was discovered (no setting): every path tried for it, in the order tried, the
   * chosen `endpoint` included. Absent when a setting names the socket.
   */
  candidates: z.array(engineCandidateSchema).optional(),
});

/**
 * How one container engine answered the last probe. Records written before `state` existed (stored
 * snapshots, older agents) carry only `status` and `error`: they are read with the closest state.
 */
export const runtimeStatusSchema = z.preprocess(upgradeLegacyStatus, runtimeStatusObjectSchema);
export type RuntimeStatus = z.infer<typeof runtimeStatusObjectSchema>;

/** A complete status from its state: `status`, `message` and `error` follow from it. */
export function makeRuntimeStatus(input: {
  name: RuntimeName;
  endpoint: string;
  state: EngineState;
  latencyMs: number;
  version?: string;
  detail?: string;
  lastOkAt?: string;
  /** The deadline the call ran under (named in the timeout message). */
  timeoutMs?: number;
  source?: SocketSource;
  candidates?: EngineCandidate[];
}): RuntimeStatus {
  const message = engineMessage(input.name, input.endpoint, input.state, input.timeoutMs);
  return {
    name: input.name,
    endpoint: input.endpoint,
    status: STATUS_OF_STATE[input.state],
    state: input.state,
    message,
    ...(input.detail === undefined ? {} : { detail: input.detail }),
    ...(input.lastOkAt === undefined ? {} : { lastOkAt: input.lastOkAt }),
    ...(input.version === undefined ? {} : { version: input.version }),
    ...(input.state === "ok" ? {} : { error: message }),
    latencyMs: input.latencyMs,
    ...(input.source === undefined ? {} : { source: input.source }),
    ...(input.candidates === undefined ? {} : { candidates: input.candidates }),
  };
}

const legacyStatusSchema = z.object({
  name: z.enum(RUNTIME_NAMES),
  endpoint: z.string(),
  status: z.enum(ENGINE_STATUSES),
  error: z.string().optional(),
});

/** The state an old record's status and reason text meant (the texts nsatlas wrote before states existed). */
function legacyState(status: EngineStatus, error: string): EngineState {
  if (status === "ok" || status === "absent") return status;
  if (status === "unreachable") {
    if (/stopped: answered until/.test(error)) return "stopped";
    return /connection lost/.test(error) ? "dropped" : "timeout";
  }
  return /permission denied/.test(error) ? "refused" : "error";
}

function upgradeLegacyStatus(value: unknown): unknown {
  if (typeof value !== "object" || value === null || "state" in value) return value;
  const legacy = legacyStatusSchema.safeParse(value);
  // Not even an old record: the schema itself reports what is wrong.
  if (!legacy.success) return value;
  const { name, endpoint, status, error = "" } = legacy.data;
  const state = legacyState(status, error);
  const timeout = /within (\d+) ms/.exec(error)?.[1];
  const code = /\b(E[A-Z]{2,15})\b/.exec(error)?.[1];
  return {
    ...value,
    state,
    message: engineMessage(name, endpoint, state, timeout === undefined ? undefined : Number(timeout)),
    ...(code === undefined || state === "ok" ? {} : { detail: code }),
  };
}
