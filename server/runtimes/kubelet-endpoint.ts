/**
 * The CRI endpoint the node's kubelet itself uses: read from the kubelet process in /proc (its command
 * line, then its configuration file and drop-in directory), so that nsatlas asks the same runtime the
 * kubelet does, wherever the distribution put its socket.
 */
import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import type { AbsolutePath } from "../config";
import { errnoCode, hasErrnoCode, logUnexpected, WALK_EXPECTED } from "../log/failures";
import { logger } from "../log/logger";

/** What a kubelet's command line says about its runtime endpoint (each the last value given, as pflag reads it). */
export interface KubeletFlags {
  /** --container-runtime-endpoint as given, e.g. "unix:///run/containerd/containerd.sock". */
  containerRuntimeEndpoint?: string;
  /** --config: the KubeletConfiguration file (relative to the kubelet's working directory unless absolute). */
  config?: string;
  /** --config-dir: drop-in files (*.conf) that override the configuration file. */
  configDir?: string;
}

/** A runtime endpoint a running kubelet uses. */
export interface KubeletEndpoint {
  pid: number;
  /** The socket as this process reaches it: under /proc/PID/root/ when the kubelet sees another mount namespace. */
  endpoint: AbsolutePath;
  /** Where the kubelet's setting was: its command line, or its configuration (file or drop-in). */
  from: "flag" | "config";
}

/** A flag's value: one non-empty line, as long as a path can be. */
const flagValueSchema = z.string().min(1).max(4096);

/** The one field of a KubeletConfiguration (kubelet.config.k8s.io/v1beta1) read here; YAML or JSON. */
const kubeletConfigSchema = z.object({ containerRuntimeEndpoint: flagValueSchema.optional() });

/** "unix:///run/x.sock" or a bare "/run/x.sock" (the kubelet's fallback protocol is unix) → the socket path; other schemes are not sockets nsatlas can use. */
const unixEndpointSchema = z
  .string()
  .trim()
  .transform((e) => (e.startsWith("unix://") ? e.slice("unix://".length) : e))
  .pipe(z.templateLiteral(["/", z.string()]));

/** Configuration files are small (a kubeadm one is ~1 KiB): anything past this is not read. */
const CONFIG_MAX_BYTES = 1024 * 1024;

const KUBELET_FLAGS: Record<string, keyof KubeletFlags> = {
  "container-runtime-endpoint": "containerRuntimeEndpoint",
  config: "config",
  "config-dir": "configDir",
};

/** /proc/PID/cmdline: arguments separated (and ended) by NUL. */
export function parseCmdline(text: string): string[] {
  const args = text.split("\0");
  if (args.at(-1) === "") args.pop();
  return args;
}

/**
 * The flags of a kubelet command line (argv[0] first), read as the kubelet's flag library (pflag) reads
 * them: `--name=value` or `--name value`, `_` and `-` alike in names, the last occurrence winning, and
 * nothing after `--`.
 */
export function parseKubeletFlags(args: string[]): KubeletFlags {
  const flags: KubeletFlags = {};
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") break;
    if (!arg.startsWith("-")) continue;
    const eq = arg.indexOf("=");
    const name = (eq < 0 ? arg : arg.slice(0, eq)).replace(/^--?/, "").replaceAll("_", "-");
    const key = KUBELET_FLAGS[name];
    if (key === undefined) continue;
    const raw = eq < 0 ? args[++i] : arg.slice(eq + 1);
    const value = flagValueSchema.safeParse(raw);
    if (value.success) flags[key] = value.data;
  }
  return flags;
}

/** containerRuntimeEndpoint of a KubeletConfiguration (YAML or JSON); undefined when unset, or when the text is not one. */
export function runtimeEndpointFromConfig(text: string): string | undefined {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch {
    return undefined;
  }
  const config = kubeletConfigSchema.safeParse(document);
  return config.success ? config.data.containerRuntimeEndpoint : undefined;
}

/** The socket path of a runtime endpoint ("unix:///run/x.sock" or "/run/x.sock"); undefined for tcp://, npipe:// and the like. */
export function socketPathOfEndpoint(endpoint: string): AbsolutePath | undefined {
  const parsed = unixEndpointSchema.safeParse(endpoint);
  return parsed.success ? parsed.data : undefined;
}

/** PIDs of processes whose command name is `kubelet`. */
export function findKubelets(proc = "/proc"): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(proc);
  } catch (err) {
    logUnexpected("listing processes for the kubelet", err, { proc });
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = readProcFile(`${proc}/${entry}/comm`);
    if (comm?.trim() === "kubelet") pids.push(Number(entry));
  }
  return pids.sort((a, b) => a - b);
}

/**
 * The runtime endpoint of every running kubelet: its --container-runtime-endpoint flag, else the last
 * containerRuntimeEndpoint of its drop-in directory (--config-dir), else that of its configuration file
 * (--config), the order in which the kubelet lets them override each other. Files are read through
 * /proc/PID/root (and /proc/PID/cwd), so a kubelet in another mount namespace is read as it sees them.
 */
export function kubeletEndpoints(proc = "/proc"): KubeletEndpoint[] {
  const found: KubeletEndpoint[] = [];
  for (const pid of findKubelets(proc)) {
    const cmdline = readProcFile(`${proc}/${pid}/cmdline`);
    if (cmdline === undefined) continue;
    const flags = parseKubeletFlags(parseCmdline(cmdline));
    const fromConfig = flags.containerRuntimeEndpoint === undefined ? configuredEndpoint(proc, pid, flags) : undefined;
    const setting = flags.containerRuntimeEndpoint ?? fromConfig;
    if (setting === undefined) continue;
    const socket = socketPathOfEndpoint(setting);
    if (socket === undefined) {
      logger().debug({ pid, endpoint: setting }, "the kubelet's runtime endpoint is not a unix socket: not used");
      continue;
    }
    found.push({ pid, endpoint: reachable(proc, pid, socket), from: flags.containerRuntimeEndpoint === undefined ? "config" : "flag" });
  }
  return found;
}

function configuredEndpoint(proc: string, pid: number, flags: KubeletFlags): string | undefined {
  let endpoint: string | undefined;
  if (flags.config !== undefined) {
    const text = readConfigFile(inKubelet(proc, pid, flags.config));
    if (text !== undefined) endpoint = runtimeEndpointFromConfig(text);
  }
  if (flags.configDir !== undefined) {
    const dir = inKubelet(proc, pid, flags.configDir);
    let names: string[] = [];
    try {
      names = fs
        .readdirSync(dir)
        .filter((n) => n.endsWith(".conf"))
        .sort();
    } catch (err) {
      if (!hasErrnoCode(err, [...WALK_EXPECTED, "ENOTDIR"])) logUnexpected("reading the kubelet's drop-in directory", err, { pid, dir });
    }
    for (const name of names) {
      const text = readConfigFile(path.join(dir, name));
      const dropIn = text === undefined ? undefined : runtimeEndpointFromConfig(text);
      if (dropIn !== undefined) endpoint = dropIn;
    }
  }
  return endpoint;
}

/** A path as the kubelet sees it, reached from here: absolute under its root, relative under its working directory. */
function inKubelet(proc: string, pid: number, file: string): string {
  return file.startsWith("/") ? `${proc}/${pid}/root${file}` : `${proc}/${pid}/cwd/${file}`;
}

/** The socket itself when the kubelet sees our mount namespace, else through its root (a container with hostPID). */
function reachable(proc: string, pid: number, socket: AbsolutePath): AbsolutePath {
  const ours = readLink(`${proc}/self/ns/mnt`);
  const its = readLink(`${proc}/${pid}/ns/mnt`);
  const throughRoot = `${proc}/${pid}/root${socket}`;
  return ours === undefined || its === undefined || ours === its || !isAbsolute(throughRoot) ? socket : throughRoot;
}

function readLink(file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    // Not ours to read, or gone: treated as the same namespace (the plain path is tried).
    return undefined;
  }
}

/** A /proc file's text; undefined when it cannot be read (a process gone mid-walk, or not ours to read, is normal). */
function readProcFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if (!hasErrnoCode(err, WALK_EXPECTED)) logUnexpected("reading a process's file", err, { file });
    return undefined;
  }
}

/** A configuration file's text, when it is at most CONFIG_MAX_BYTES; undefined when missing or unreadable (logged at debug). */
function readConfigFile(file: string): string | undefined {
  try {
    const size = fs.statSync(file).size;
    if (size > CONFIG_MAX_BYTES) {
      logger().debug({ file, size }, "kubelet configuration file too large: not read");
      return undefined;
    }
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if (!hasErrnoCode(err, [...WALK_EXPECTED, "ENOTDIR", "EISDIR"])) logUnexpected("reading the kubelet's configuration", err, { file });
    else logger().debug({ file, code: errnoCode(err) }, "kubelet configuration not readable");
    return undefined;
  }
}

function isAbsolute(file: string): file is AbsolutePath {
  return file.startsWith("/");
}
