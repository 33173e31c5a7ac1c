/**
 * Where each container engine's socket is looked for when no setting names it: the kubelet's own
 * runtime endpoint first, then the paths distributions put the sockets at (rootful and rootless).
 * docs/api.md, "Where engines are looked for".
 */
import fs from "node:fs";
import path from "node:path";
import { DISCOVER, type Config } from "../config";
import type { RuntimeName, SocketSource } from "../contract/runtime-status";
import { hasErrnoCode, logUnexpected } from "../log/failures";
import { kubeletEndpoints, type KubeletEndpoint } from "./kubelet-endpoint";

/** One place an engine may answer. */
export interface SocketCandidate {
  /** The engine expected there (a CRI socket may turn out to be the other CRI runtime when it answers). */
  name: RuntimeName;
  endpoint: string;
  source: SocketSource;
}

/** The engine settings: a path (list), DISCOVER, or (left out) no such engine at all. */
export type EngineSocketSettings = Partial<Pick<Config, "dockerSocket" | "podmanSocket" | "criSockets">>;

/** What discovery reads from this node besides the fixed paths. */
export interface HostView {
  /** This process's $XDG_RUNTIME_DIR, when set to an absolute path (a rootless engine's run directory). */
  xdgRuntimeDir?: string;
  /** The per-user runtime directories present, /run/user/<uid>, in uid order. */
  userRuntimeDirs: string[];
  /** The runtime endpoint of every running kubelet. */
  kubelet: KubeletEndpoint[];
}

/** Rootful paths per engine, in the order tried. */
export const WELL_KNOWN_SOCKETS: Record<RuntimeName, readonly string[]> = {
  docker: ["/run/docker.sock", "/var/run/docker.sock"],
  podman: ["/run/podman/podman.sock"],
  "containerd-cri": [
    "/run/containerd/containerd.sock",
    // k3s and RKE2 run their own containerd here.
    "/run/k3s/containerd/containerd.sock",
    "/var/snap/microk8s/common/run/containerd.sock",
  ],
  "cri-o": ["/run/crio/crio.sock"],
};

/** Rootless paths, under a user's runtime directory ($XDG_RUNTIME_DIR, /run/user/<uid>). */
const ROOTLESS_SOCKETS: Partial<Record<RuntimeName, string>> = {
  docker: "docker.sock",
  podman: "podman/podman.sock",
};

/** The order engines are reported in (as the settings were before discovery: Docker, podman, then CRI). */
export const ENGINE_ORDER: readonly RuntimeName[] = ["docker", "podman", "containerd-cri", "cri-o"];

/** The engine a CRI socket path most likely belongs to, before it answers. */
export function criNameOf(endpoint: string): RuntimeName {
  return endpoint.includes("crio") ? "cri-o" : "containerd-cri";
}

/**
 * Every place to ask, in the order reported. An engine whose setting is set gets exactly its setting
 * (source "setting"); one whose setting is DISCOVER gets the kubelet's endpoint (CRI only), then its
 * rootful and rootless well-known paths; one left out of `settings` gets nothing. A path named twice
 * for one engine is listed once, from its first source.
 */
export function socketCandidates(
  settings: EngineSocketSettings,
  host: HostView,
  wellKnown: Record<RuntimeName, readonly string[]> = WELL_KNOWN_SOCKETS,
): SocketCandidate[] {
  const candidates: SocketCandidate[] = [];
  const add = (name: RuntimeName, endpoint: string, source: SocketSource) => {
    if (source !== "setting" && candidates.some((c) => c.name === name && c.endpoint === endpoint)) return;
    candidates.push({ name, endpoint, source });
  };
  const discover = (name: RuntimeName) => {
    for (const endpoint of wellKnown[name]) add(name, endpoint, "well-known");
    const rootless = ROOTLESS_SOCKETS[name];
    if (rootless === undefined) return;
    if (host.xdgRuntimeDir !== undefined) add(name, path.join(host.xdgRuntimeDir, rootless), "well-known");
    for (const dir of host.userRuntimeDirs) add(name, path.join(dir, rootless), "well-known");
  };

  const { dockerSocket, podmanSocket, criSockets } = settings;
  if (dockerSocket === DISCOVER) discover("docker");
  else if (dockerSocket !== undefined) add("docker", dockerSocket, "setting");
  if (podmanSocket === DISCOVER) discover("podman");
  else if (podmanSocket !== undefined) add("podman", podmanSocket, "setting");
  if (criSockets === DISCOVER) {
    const fromKubelet = host.kubelet.map((k) => ({ name: criNameOf(k.endpoint), endpoint: k.endpoint }));
    for (const name of ["containerd-cri", "cri-o"] as const) {
      for (const k of fromKubelet) if (k.name === name) add(name, k.endpoint, "kubelet");
      discover(name);
    }
  } else if (criSockets !== undefined) {
    for (const endpoint of criSockets) add(criNameOf(endpoint), endpoint, "setting");
  }
  return candidates;
}

/** Whether any engine is to be discovered (only then is the node read for it). */
export function isDiscovering(settings: EngineSocketSettings): boolean {
  return settings.dockerSocket === DISCOVER || settings.podmanSocket === DISCOVER || settings.criSockets === DISCOVER;
}

/** Reads what discovery needs from this node: $XDG_RUNTIME_DIR, /run/user/<uid> directories, running kubelets. */
export function readHostView(options: { proc?: string; runUser?: string; env?: Record<string, string | undefined> } = {}): HostView {
  const { proc = "/proc", runUser = "/run/user", env = process.env } = options;
  const xdg = env.XDG_RUNTIME_DIR;
  return {
    ...(xdg !== undefined && xdg.startsWith("/") ? { xdgRuntimeDir: xdg } : {}),
    userRuntimeDirs: userRuntimeDirs(runUser),
    kubelet: kubeletEndpoints(proc),
  };
}

function userRuntimeDirs(runUser: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(runUser, { withFileTypes: true });
  } catch (err) {
    // No /run/user (no logind, a container): no rootless engines to look for.
    if (!hasErrnoCode(err, ["ENOENT", "ENOTDIR", "EACCES"])) logUnexpected("listing per-user runtime directories", err, { dir: runUser });
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
    .map((e) => Number(e.name))
    .sort((a, b) => a - b)
    .map((uid) => path.join(runUser, String(uid)));
}
