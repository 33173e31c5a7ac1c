import { BlockList, isIP } from "node:net";
import * as z from "zod";
import { parseAgents, type AgentEntry } from "./hub/parse-agents";

/** A path from the root, e.g. "/run/docker.sock". */
export type AbsolutePath = `/${string}`;

/** The value of an engine's socket setting left unset: look where distributions put the socket (server/runtimes/discover-sockets.ts). */
export const DISCOVER = "discover";
export type Discover = typeof DISCOVER;

const absolutePath = z.templateLiteral(["/", z.string()], "socket paths must be absolute");

/** Comma-separated list of absolute paths, e.g. "/run/containerd/containerd.sock,/run/crio/crio.sock". */
const socketList = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
  )
  .pipe(z.array(absolutePath));

/** Comma-separated CIDRs (or single addresses), e.g. "10.0.0.0/8,fd00::/8,192.168.1.7". */
const cidrList = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
  )
  .pipe(z.array(z.string().refine(isCidr, "each entry must be an IPv4 or IPv6 address, optionally with /prefix")));

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const envSchema = z.object({
  NSATLAS_HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /**
   * Engine sockets. Set: only that socket (list) is asked for that engine. Unset: discovered, at the kubelet's own
   * setting and the paths distributions use (docs/configuration.md). `DOCKER_HOST=unix:///path` counts as Docker's setting.
   */
  DOCKER_HOST: z.string().optional(),
  NSATLAS_DOCKER_SOCKET: absolutePath.optional(),
  NSATLAS_PODMAN_SOCKET: absolutePath.optional(),
  NSATLAS_CRI_SOCKETS: socketList.optional(),
  /** Deadline for each call to a container engine. */
  NSATLAS_ENGINE_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  /** On a steady node, ask the engines at most this often (a namespace appearing or vanishing asks at once). */
  NSATLAS_ENGINE_REFRESH_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  /** How long a snapshot is served from memory before the next request takes a new one. */
  NSATLAS_SNAPSHOT_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(2000),
  /** Scan every open fd for namespaces held only by a descriptor (costs one readlink per open fd). */
  NSATLAS_SCAN_FDS: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /** Listen for every namespace's netlink events and read only the counters of those that did not change (needs CAP_NET_BROADCAST). */
  NSATLAS_WATCH_CHANGES: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /** How often the full fd scan runs; in between, the fd refs it found are re-checked. */
  NSATLAS_FD_SCAN_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** How often every thread's namespace is read; in between, the threads found in another namespace are re-checked. */
  NSATLAS_THREAD_SCAN_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** Where the snapshot history (SQLite) lives. */
  NSATLAS_DATA_DIR: z.string().startsWith("/", "the data directory must be an absolute path").default("/var/lib/nsatlas"),
  /** How often the agent records a snapshot when the network changed; 0 turns recording off. */
  NSATLAS_RECORD_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  /** Recorded snapshots older than this are removed (frozen and imported ones only when space runs out). */
  NSATLAS_HISTORY_MAX_AGE_HOURS: z.coerce
    .number()
    .min(0.001)
    .max(24 * 365)
    .default(72),
  /** The most the history may hold, in MiB. */
  NSATLAS_HISTORY_MAX_MB: z.coerce.number().min(1).max(1_000_000).default(256),
  /** The largest snapshot file that can be imported, in MiB. */
  NSATLAS_IMPORT_MAX_MB: z.coerce.number().min(0.01).max(1024).default(32),
  /** Required to listen on anything but loopback: the API takes it as a bearer token, the UI through /login. */
  NSATLAS_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(16, "NSATLAS_TOKEN must have at least 16 characters").max(512).optional()),
  /** This node's name in every snapshot (Kubernetes: spec.nodeName through the downward API); the hostname when unset. */
  NSATLAS_NODE_NAME: z.preprocess((v) => (v === "" ? undefined : v), z.string().max(253).optional()),
  /** While anyone follows the event stream, the node is read at least this often (kernel signals cover the rest; a namespace held only by a process shows up then). */
  NSATLAS_SCAN_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  /** Peers whose X-Forwarded-For / Forwarded headers name the real client (a reverse proxy or ingress); nobody's by default. */
  NSATLAS_TRUSTED_PROXIES: cidrList.default([]),
  /** The least severe log line written (JSON lines on standard output). */
  NSATLAS_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** Allow "expose": bind-mounting a container's namespace under /run/netns (a write to the host). */
  NSATLAS_ALLOW_EXPOSE: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  /** Allow packet capture (POST /api/v1/captures): tcpdump in a namespace; needs CAP_NET_RAW, CAP_SETUID, CAP_SETGID, CAP_KILL besides the agent's own. */
  NSATLAS_CAPTURE: z
    .enum(["1", "0", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  /** Hub mode (docs/hub.md): the node agents to follow, `http(s)://host:port` and/or `dns:<name>:<port>`, comma-separated. */
  NSATLAS_AGENTS: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().optional()),
  /** The bearer token the hub sends to the agents; NSATLAS_TOKEN when unset. */
  NSATLAS_AGENT_TOKEN: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().min(16, "NSATLAS_AGENT_TOKEN must have at least 16 characters").max(512).optional(),
  ),
});

export interface Config {
  host: string;
  port: number;
  /** The Docker Engine API socket its setting names, or DISCOVER when unset. */
  dockerSocket: AbsolutePath | Discover;
  /** podman's Docker-compatible API socket its setting names, or DISCOVER when unset. */
  podmanSocket: AbsolutePath | Discover;
  /** The CRI sockets the setting names (possibly none), or DISCOVER when unset. */
  criSockets: AbsolutePath[] | Discover;
  engineTimeoutMs: number;
  engineRefreshMs: number;
  snapshotTtlMs: number;
  scanFds: boolean;
  watchChanges: boolean;
  fdScanIntervalMs: number;
  threadScanIntervalMs: number;
  dataDir: string;
  recordIntervalMs: number;
  historyMaxAgeMs: number;
  historyMaxBytes: number;
  importMaxBytes: number;
  allowExpose: boolean;
  /** NSATLAS_CAPTURE=1: packet capture is on (off by default). */
  capture: boolean;
  token: string | undefined;
  nodeName: string | undefined;
  scanIntervalMs: number;
  /** CIDRs of reverse proxies trusted to name the client (see trustedProxies()). */
  trustedProxies: string[];
  logLevel: LogLevel;
  /** Hub mode when set: the agents to follow (NSATLAS_AGENTS); the dashboard then reads no node itself. */
  agents: AgentEntry[] | undefined;
  /** The bearer token sent to the agents: NSATLAS_AGENT_TOKEN, else NSATLAS_TOKEN, else none. */
  agentToken: string | undefined;
}

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  if (!isLoopback(e.NSATLAS_HOST) && e.NSATLAS_TOKEN === undefined) {
    throw new ConfigError(
      `NSATLAS_HOST=${e.NSATLAS_HOST} would open a root-privileged agent to the network: set NSATLAS_TOKEN (16+ characters) too, or listen on 127.0.0.1`,
    );
  }
  return {
    host: e.NSATLAS_HOST,
    port: e.PORT,
    dockerSocket: dockerSocketFrom(e.DOCKER_HOST) ?? e.NSATLAS_DOCKER_SOCKET ?? DISCOVER,
    podmanSocket: e.NSATLAS_PODMAN_SOCKET ?? DISCOVER,
    criSockets: e.NSATLAS_CRI_SOCKETS ?? DISCOVER,
    engineTimeoutMs: e.NSATLAS_ENGINE_TIMEOUT_MS,
    engineRefreshMs: e.NSATLAS_ENGINE_REFRESH_MS,
    snapshotTtlMs: e.NSATLAS_SNAPSHOT_TTL_MS,
    scanFds: e.NSATLAS_SCAN_FDS,
    watchChanges: e.NSATLAS_WATCH_CHANGES,
    fdScanIntervalMs: e.NSATLAS_FD_SCAN_INTERVAL_MS,
    threadScanIntervalMs: e.NSATLAS_THREAD_SCAN_INTERVAL_MS,
    dataDir: e.NSATLAS_DATA_DIR,
    recordIntervalMs: e.NSATLAS_RECORD_INTERVAL_MS,
    historyMaxAgeMs: Math.round(e.NSATLAS_HISTORY_MAX_AGE_HOURS * 3_600_000),
    historyMaxBytes: Math.round(e.NSATLAS_HISTORY_MAX_MB * 1024 * 1024),
    importMaxBytes: Math.round(e.NSATLAS_IMPORT_MAX_MB * 1024 * 1024),
    allowExpose: e.NSATLAS_ALLOW_EXPOSE,
    capture: e.NSATLAS_CAPTURE,
    token: e.NSATLAS_TOKEN,
    nodeName: e.NSATLAS_NODE_NAME,
    scanIntervalMs: e.NSATLAS_SCAN_INTERVAL_MS,
    trustedProxies: e.NSATLAS_TRUSTED_PROXIES,
    logLevel: e.NSATLAS_LOG_LEVEL,
    agents: agentsFrom(e.NSATLAS_AGENTS),
    agentToken: e.NSATLAS_AGENT_TOKEN ?? e.NSATLAS_TOKEN,
  };
}

/** 127.0.0.0/8, ::1 and localhost: the only addresses that need no token. */
export function isLoopback(host: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(host) || host === "::1" || host === "localhost";
}

function isCidr(entry: string): boolean {
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** The trusted proxies as a set that answers "is this peer one of them?" (IPv4-mapped IPv6 peers included). */
export function trustedProxySet(cidrs: string[]): BlockList {
  const set = new BlockList();
  for (const entry of cidrs) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) set.addAddress(address, type);
    else set.addSubnet(address, Number(prefix), type);
  }
  return set;
}

/** The socket `DOCKER_HOST=unix:///path` names; undefined when unset or empty. */
function dockerSocketFrom(dockerHost: string | undefined): AbsolutePath | undefined {
  if (dockerHost === undefined || dockerHost === "") return undefined;
  if (!dockerHost.startsWith("unix://")) throw new ConfigError(`DOCKER_HOST: only unix:// sockets are supported, got ${dockerHost}`);
  const socket = absolutePath.safeParse(dockerHost.slice("unix://".length));
  if (!socket.success) throw new ConfigError(`DOCKER_HOST: the socket path must be absolute, got ${dockerHost}`);
  return socket.data;
}

/** The agents NSATLAS_AGENTS names; undefined when unset. A bad entry is a one-line ConfigError naming it. */
function agentsFrom(value: string | undefined): AgentEntry[] | undefined {
  if (value === undefined) return undefined;
  const parsed = parseAgents(value);
  if (!parsed.ok) throw new ConfigError(parsed.error);
  return parsed.entries;
}

let cached: Config | undefined;

/** The process's configuration, parsed once. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
