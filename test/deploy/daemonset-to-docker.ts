/**
 * The agent's DaemonSet as a `docker run`: the same namespaces, user, capabilities, mounts (with their propagation),
 * environment, read-only root, limits and command, so that the container the manifest describes can run under Docker
 * against the lab, without a cluster.
 *
 *   const { objects } = renderKustomize(BASE_DIR);
 *   spawn("docker", ["run", ...dockerRunArgsFromDaemonSet(objects, { nodeName: os.hostname(), secrets, extraFlags: ["--rm", "-d"] })]);
 *
 * Docker refuses `rslave` on a mount whose source sits under a private mount: on a machine without systemd run
 * `mount --make-shared /` first (what systemd does at boot on every real node).
 *
 * What has no `docker run` equivalent and does not change what the process sees is left out: probes (the caller polls
 * /livez and /readyz), tolerations, scheduling, the ServiceAccount (whose token is not mounted), the DNS policy (with the
 * host's network Docker uses the host's resolver), resource requests. Anything else the translation does not know
 * (another volume type, an init container, envFrom, a config map reference, a `$(VAR)` reference, ...) throws rather than
 * produce a container that differs from the manifest's.
 */
import { DaemonSet, type IDaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IVolume } from "kubernetes-models/v1/Volume";

export interface DockerRunOptions {
  /** What `spec.nodeName` would be (downward-API variables read it), e.g. the machine's hostname. */
  nodeName: string;
  /** The node's address, for variables reading `status.hostIP` or `status.podIP` (with the host's network, the same). */
  hostIP?: string;
  /** The pod's name, for variables reading `metadata.name`; default "<daemonset>-docker". */
  podName?: string;
  /** Secrets by name, then key: what `secretKeyRef` variables read. A missing key throws unless the reference is optional. */
  secrets?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Which DaemonSet, when the render holds more than one. */
  daemonSet?: string;
  /** Which container, when the pod has more than one. */
  container?: string;
  /** Run this image instead of the manifest's (e.g. a tag built locally). */
  image?: string;
  /** hostPath sources to use instead of the manifest's, by the manifest's path (e.g. { "/var/lib/nsatlas": "/tmp/agent-data" }). */
  hostPaths?: Readonly<Record<string, string>>;
  /** Flags of the caller's, placed before the derived ones (e.g. ["--rm", "-d", "--name", "nsatlas-agent"]). */
  extraFlags?: readonly string[];
}

class Untranslatable extends Error {
  constructor(what: string) {
    super(`dockerRunArgsFromDaemonSet: ${what} has no faithful docker run equivalent here`);
  }
}

const BINARY_SUFFIXES: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIXES: Record<string, number> = { m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes quantity ("64Mi", "500m", "1.5", 2) as a plain number (bytes, cores). */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === "number") return quantity;
  const match = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(quantity.trim());
  if (match?.[1] === undefined) throw new Error(`not a Kubernetes quantity: ${quantity}`);
  const suffix = match[2] ?? "";
  const factor = BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix];
  if (factor === undefined) throw new Error(`not a Kubernetes quantity: ${quantity}`);
  return Number(match[1]) * factor;
}

function pickDaemonSet(rendered: readonly unknown[], name: string | undefined): IDaemonSet {
  const all = rendered.filter((o): o is IDaemonSet => DaemonSet.is(o));
  const matching = name === undefined ? all : all.filter((d) => d.metadata?.name === name);
  const [only, ...more] = matching;
  if (only === undefined || more.length > 0) {
    throw new Error(`dockerRunArgsFromDaemonSet: expected one DaemonSet${name === undefined ? "" : ` named ${name}`}, found ${matching.length}`);
  }
  return only;
}

function pickContainer(spec: IPodSpec, name: string | undefined): IContainer {
  if ((spec.initContainers ?? []).length > 0) throw new Untranslatable("an init container");
  const matching = name === undefined ? spec.containers : spec.containers.filter((c) => c.name === name);
  const [only, ...more] = matching;
  if (only === undefined || more.length > 0) throw new Error(`dockerRunArgsFromDaemonSet: expected one container${name === undefined ? "" : ` named ${name}`}`);
  return only;
}

function noExpansion(value: string, where: string): string {
  if (value.includes("$(")) throw new Untranslatable(`the $(VAR) reference in ${where}`);
  return value;
}

/** --pid/--network/--ipc host, --stop-timeout. */
function podFlags(spec: IPodSpec): string[] {
  for (const field of ["shareProcessNamespace", "hostUsers", "runtimeClassName"] as const) {
    if (spec[field] !== undefined && !(field === "hostUsers" && spec.hostUsers === true)) throw new Untranslatable(`spec.${field}`);
  }
  const flags: string[] = [];
  if (spec.hostPID === true) flags.push("--pid", "host");
  if (spec.hostNetwork === true) flags.push("--network", "host");
  if (spec.hostIPC === true) flags.push("--ipc", "host");
  if (spec.terminationGracePeriodSeconds !== undefined) flags.push("--stop-timeout", String(spec.terminationGracePeriodSeconds));
  return flags;
}

/** The pod's and the container's security contexts, the container's winning where both speak. */
function securityFlags(spec: IPodSpec, container: IContainer): string[] {
  const pod = spec.securityContext ?? {};
  const own = container.securityContext ?? {};
  for (const field of ["fsGroup", "fsGroupChangePolicy", "sysctls", "windowsOptions", "supplementalGroupsPolicy", "seLinuxChangePolicy"] as const) {
    if (pod[field] !== undefined) throw new Untranslatable(`spec.securityContext.${field}`);
  }
  if (own.procMount !== undefined && own.procMount !== "Default") throw new Untranslatable("a procMount other than Default");
  if (own.windowsOptions !== undefined) throw new Untranslatable("windowsOptions");
  const flags: string[] = [];
  const uid = own.runAsUser ?? pod.runAsUser;
  const gid = own.runAsGroup ?? pod.runAsGroup;
  if ((own.runAsNonRoot ?? pod.runAsNonRoot) === true && uid === 0) throw new Error("dockerRunArgsFromDaemonSet: runAsNonRoot with runAsUser 0");
  if (uid !== undefined) flags.push("--user", gid === undefined ? String(uid) : `${uid}:${gid}`);
  else if (gid !== undefined) throw new Untranslatable("runAsGroup without runAsUser");
  for (const group of pod.supplementalGroups ?? []) flags.push("--group-add", String(group));
  if (own.privileged === true) flags.push("--privileged");
  if (own.allowPrivilegeEscalation === false) flags.push("--security-opt", "no-new-privileges");
  if (own.readOnlyRootFilesystem === true) flags.push("--read-only");
  const seccomp = own.seccompProfile ?? pod.seccompProfile;
  // RuntimeDefault: Docker's own default profile.
  if (seccomp?.type === "Unconfined") flags.push("--security-opt", "seccomp=unconfined");
  else if (seccomp?.type === "Localhost") throw new Untranslatable("a Localhost seccomp profile");
  const appArmor = own.appArmorProfile ?? pod.appArmorProfile;
  if (appArmor?.type === "Unconfined") flags.push("--security-opt", "apparmor=unconfined");
  else if (appArmor?.type === "Localhost") flags.push("--security-opt", `apparmor=${appArmor.localhostProfile ?? ""}`);
  const seLinux = own.seLinuxOptions ?? pod.seLinuxOptions;
  for (const field of ["user", "role", "type", "level"] as const) {
    const value = seLinux?.[field];
    if (value !== undefined && value !== "") flags.push("--security-opt", `label=${field}:${value}`);
  }
  for (const cap of own.capabilities?.drop ?? []) flags.push("--cap-drop", cap);
  for (const cap of own.capabilities?.add ?? []) flags.push("--cap-add", cap);
  return flags;
}

/** hostPath as -v SRC:DST[:ro][,rslave|rshared]; emptyDir as --tmpfs DST[:size=BYTES]. */
function mountFlags(spec: IPodSpec, container: IContainer, hostPaths: Readonly<Record<string, string>>): string[] {
  const volumes = new Map<string, IVolume>((spec.volumes ?? []).map((v) => [v.name, v]));
  const flags: string[] = [];
  if ((container.volumeDevices ?? []).length > 0) throw new Untranslatable("volumeDevices");
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (volume === undefined) throw new Error(`dockerRunArgsFromDaemonSet: volumeMount ${mount.name} names no volume`);
    if (mount.subPath !== undefined || mount.subPathExpr !== undefined) throw new Untranslatable(`the subPath of volumeMount ${mount.name}`);
    if (mount.recursiveReadOnly !== undefined && mount.recursiveReadOnly !== "Disabled") throw new Untranslatable(`recursiveReadOnly on ${mount.name}`);
    const kinds = Object.keys(volume).filter((k) => k !== "name");
    if (volume.hostPath !== undefined) {
      const options = [
        ...(mount.readOnly === true ? ["ro"] : []),
        ...(mount.mountPropagation === "HostToContainer" ? ["rslave"] : mount.mountPropagation === "Bidirectional" ? ["rshared"] : []),
      ];
      const source = hostPaths[volume.hostPath.path] ?? volume.hostPath.path;
      flags.push("-v", `${source}:${mount.mountPath}${options.length > 0 ? `:${options.join(",")}` : ""}`);
    } else if (volume.emptyDir !== undefined) {
      if (mount.mountPropagation !== undefined && mount.mountPropagation !== "None") throw new Untranslatable(`mount propagation on emptyDir ${mount.name}`);
      const size = volume.emptyDir.sizeLimit === undefined ? [] : [`size=${parseQuantity(volume.emptyDir.sizeLimit)}`];
      const options = [...(mount.readOnly === true ? ["ro"] : []), ...size];
      flags.push("--tmpfs", `${mount.mountPath}${options.length > 0 ? `:${options.join(",")}` : ""}`);
    } else {
      throw new Untranslatable(`the ${kinds.join(", ")} volume ${mount.name}`);
    }
  }
  return flags;
}

function envValue(env: IEnvVar, daemonSet: IDaemonSet, options: DockerRunOptions): string | undefined {
  const from = env.valueFrom;
  if (from === undefined) return noExpansion(env.value ?? "", `env ${env.name}`);
  if (from.fieldRef !== undefined) {
    const field = from.fieldRef.fieldPath;
    if (field === "spec.nodeName") return options.nodeName;
    if (field === "metadata.name") return options.podName ?? `${daemonSet.metadata?.name ?? "pod"}-docker`;
    if (field === "metadata.namespace") return daemonSet.metadata?.namespace ?? "default";
    if (field === "status.hostIP" || field === "status.podIP") {
      if (options.hostIP === undefined) throw new Error(`dockerRunArgsFromDaemonSet: env ${env.name} reads ${field}: pass hostIP`);
      return options.hostIP;
    }
    throw new Untranslatable(`env ${env.name} from ${field}`);
  }
  if (from.secretKeyRef !== undefined) {
    const { name, key, optional } = from.secretKeyRef;
    const value = name === undefined ? undefined : options.secrets?.[name]?.[key];
    if (value !== undefined) return value;
    if (optional === true) return undefined;
    throw new Error(`dockerRunArgsFromDaemonSet: env ${env.name} reads key ${key} of Secret ${name ?? "(unnamed)"}: pass it in secrets`);
  }
  throw new Untranslatable(`env ${env.name} from ${Object.keys(from).join(", ")}`);
}

function envFlags(container: IContainer, daemonSet: IDaemonSet, options: DockerRunOptions): string[] {
  if ((container.envFrom ?? []).length > 0) throw new Untranslatable("envFrom");
  return (container.env ?? []).flatMap((env) => {
    const value = envValue(env, daemonSet, options);
    return value === undefined ? [] : ["-e", `${env.name}=${value}`];
  });
}

/** Limits only: requests have no equivalent that changes what the container may do. */
function resourceFlags(container: IContainer): string[] {
  const limits = container.resources?.limits ?? {};
  const flags: string[] = [];
  for (const [resource, quantity] of Object.entries(limits)) {
    if (resource === "memory") flags.push("--memory", String(parseQuantity(quantity)));
    else if (resource === "cpu") flags.push("--cpus", String(parseQuantity(quantity)));
    else throw new Untranslatable(`a ${resource} limit`);
  }
  return flags;
}

/** -p for host ports when the pod does not use the host's network (with it, the port is the host's already). */
function portFlags(spec: IPodSpec, container: IContainer): string[] {
  if (spec.hostNetwork === true) return [];
  return (container.ports ?? []).flatMap((p) =>
    p.hostPort === undefined
      ? []
      : ["-p", `${p.hostIP === undefined ? "" : `${p.hostIP}:`}${p.hostPort}:${p.containerPort}/${(p.protocol ?? "TCP").toLowerCase()}`],
  );
}

/**
 * What follows `docker run` to run the DaemonSet's container as the manifest describes it: the caller's flags, the
 * derived flags (namespaces, user, privileges, mounts, environment, limits, entrypoint), the image, then the rest of the
 * command and the args. `rendered` is the output of `kubectl kustomize` as objects (the DaemonSet is picked from it).
 */
export function dockerRunArgsFromDaemonSet(rendered: readonly unknown[], options: DockerRunOptions): string[] {
  const daemonSet = pickDaemonSet(rendered, options.daemonSet);
  const spec = daemonSet.spec?.template.spec;
  if (spec === undefined) throw new Error("dockerRunArgsFromDaemonSet: the DaemonSet has no pod spec");
  const container = pickContainer(spec, options.container);
  const image = options.image ?? container.image;
  if (image === undefined) throw new Error("dockerRunArgsFromDaemonSet: the container names no image");
  const [entrypoint, ...commandRest] = (container.command ?? []).map((c) => noExpansion(c, "command"));
  const args = (container.args ?? []).map((a) => noExpansion(a, "args"));
  if (container.command !== undefined && entrypoint === undefined) throw new Untranslatable("an empty command");
  return [
    ...(options.extraFlags ?? []),
    ...podFlags(spec),
    ...securityFlags(spec, container),
    ...mountFlags(spec, container, options.hostPaths ?? {}),
    ...envFlags(container, daemonSet, options),
    ...portFlags(spec, container),
    ...resourceFlags(container),
    ...(container.workingDir === undefined ? [] : ["-w", container.workingDir]),
    ...(container.stdin === true ? ["-i"] : []),
    ...(container.tty === true ? ["-t"] : []),
    ...(entrypoint === undefined ? [] : ["--entrypoint", entrypoint]),
    image,
    ...commandRest,
    ...args,
  ];
}
