/**
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards, as the PodSecurity admission
 * controller enforces them at version "latest") applied to a pod spec: which controls of the baseline and restricted
 * levels it fails. A pod that fails a baseline control needs the "privileged" level.
 */
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IContainer } from "kubernetes-models/v1/Container";

export type BaselineControl =
  | "hostProcess"
  | "hostNamespaces"
  | "privileged"
  | "capabilities"
  | "hostPathVolumes"
  | "hostPorts"
  | "appArmor"
  | "seLinux"
  | "procMount"
  | "seccomp"
  | "sysctls";
export type RestrictedControl = "volumeTypes" | "privilegeEscalation" | "runAsNonRoot" | "runAsUser" | "seccompRestricted" | "capabilitiesRestricted";

/** Capabilities baseline lets a container add (the container runtimes' default set). */
export const BASELINE_CAPABILITIES = [
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
];
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];
const RESTRICTED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

function containersOf(spec: IPodSpec): IContainer[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/**
 * What the API server stores for this spec, as far as the levels care: a hostNetwork pod's ports get
 * hostPort = containerPort (pkg/apis/core/v1 defaults).
 */
function withApiDefaults(spec: IPodSpec): IPodSpec {
  if (spec.hostNetwork !== true) return spec;
  const withHostPorts = (c: IContainer): IContainer => ({ ...c, ports: c.ports?.map((p) => ({ ...p, hostPort: p.hostPort ?? p.containerPort })) });
  return { ...spec, containers: spec.containers.map(withHostPorts), initContainers: spec.initContainers?.map(withHostPorts) };
}

/** The baseline controls this pod fails (none: it may run under "baseline"). */
export function baselineViolations(podSpec: IPodSpec, annotations: Record<string, string> = {}): BaselineControl[] {
  const spec = withApiDefaults(podSpec);
  const containers = containersOf(spec);
  const failed = new Set<BaselineControl>();
  if (spec.securityContext?.windowsOptions?.hostProcess === true || containers.some((c) => c.securityContext?.windowsOptions?.hostProcess === true)) {
    failed.add("hostProcess");
  }
  if (spec.hostNetwork === true || spec.hostPID === true || spec.hostIPC === true) failed.add("hostNamespaces");
  if (containers.some((c) => c.securityContext?.privileged === true)) failed.add("privileged");
  if (containers.some((c) => (c.securityContext?.capabilities?.add ?? []).some((cap) => !BASELINE_CAPABILITIES.includes(cap)))) failed.add("capabilities");
  if ((spec.volumes ?? []).some((v) => v.hostPath !== undefined)) failed.add("hostPathVolumes");
  if (containers.some((c) => (c.ports ?? []).some((p) => (p.hostPort ?? 0) !== 0))) failed.add("hostPorts");
  const appArmor = [spec.securityContext?.appArmorProfile?.type, ...containers.map((c) => c.securityContext?.appArmorProfile?.type)];
  const appArmorAnnotations = Object.entries(annotations).filter(([k]) => k.startsWith("container.apparmor.security.beta.kubernetes.io/"));
  if (appArmor.includes("Unconfined") || appArmorAnnotations.some(([, v]) => v !== "runtime/default" && !v.startsWith("localhost/"))) failed.add("appArmor");
  const seLinux = [spec.securityContext?.seLinuxOptions, ...containers.map((c) => c.securityContext?.seLinuxOptions)];
  if (seLinux.some((o) => o !== undefined && (!SELINUX_TYPES.includes(o.type ?? "") || (o.user ?? "") !== "" || (o.role ?? "") !== ""))) {
    failed.add("seLinux");
  }
  if (containers.some((c) => (c.securityContext?.procMount ?? "Default") !== "Default")) failed.add("procMount");
  const seccomp = [spec.securityContext?.seccompProfile?.type, ...containers.map((c) => c.securityContext?.seccompProfile?.type)];
  if (seccomp.includes("Unconfined")) failed.add("seccomp");
  if ((spec.securityContext?.sysctls ?? []).some((s) => !SAFE_SYSCTLS.includes(s.name))) failed.add("sysctls");
  return [...failed];
}

/** The controls of "restricted" (baseline's included) this pod fails (none: it may run under "restricted"). */
export function restrictedViolations(podSpec: IPodSpec, annotations: Record<string, string> = {}): Array<BaselineControl | RestrictedControl> {
  const spec = withApiDefaults(podSpec);
  const containers = containersOf(spec);
  const failed = new Set<BaselineControl | RestrictedControl>(baselineViolations(podSpec, annotations));
  const volumeTypes = (spec.volumes ?? []).flatMap((v) => Object.keys(v).filter((k) => k !== "name"));
  if (volumeTypes.some((t) => !RESTRICTED_VOLUME_TYPES.includes(t))) failed.add("volumeTypes");
  if (containers.some((c) => c.securityContext?.allowPrivilegeEscalation !== false)) failed.add("privilegeEscalation");
  const podNonRoot = spec.securityContext?.runAsNonRoot === true;
  if (containers.some((c) => c.securityContext?.runAsNonRoot === false || (!podNonRoot && c.securityContext?.runAsNonRoot !== true))) {
    failed.add("runAsNonRoot");
  }
  if (spec.securityContext?.runAsUser === 0 || containers.some((c) => c.securityContext?.runAsUser === 0)) failed.add("runAsUser");
  const podSeccomp = spec.securityContext?.seccompProfile?.type;
  const allowedSeccomp = (t: string | undefined) => t === "RuntimeDefault" || t === "Localhost";
  if (
    podSeccomp === "Unconfined" ||
    containers.some((c) => {
      const own = c.securityContext?.seccompProfile?.type;
      return own === undefined ? !allowedSeccomp(podSeccomp) : !allowedSeccomp(own);
    })
  ) {
    failed.add("seccompRestricted");
  }
  if (
    containers.some(
      (c) =>
        !(c.securityContext?.capabilities?.drop ?? []).includes("ALL") ||
        (c.securityContext?.capabilities?.add ?? []).some((cap) => cap !== "NET_BIND_SERVICE"),
    )
  ) {
    failed.add("capabilitiesRestricted");
  }
  return [...failed];
}
