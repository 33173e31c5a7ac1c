/**
 * deploy/kubernetes, rendered by kubectl's kustomize as a user would (`kubectl kustomize`), and its OpenShift overlay:
 * every object valid against the Kubernetes schemas, and the security posture docs/kubernetes.md promises checked on
 * the rendered objects. No cluster needed; kubectl must be on PATH (a missing kubectl fails, it does not skip).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DaemonSet, type IDaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { NetworkPolicy, type INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IContainer } from "kubernetes-models/v1/Container";
import { Namespace, type INamespace } from "kubernetes-models/v1/Namespace";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { Service, type IService } from "kubernetes-models/v1/Service";
import { ServiceAccount, type IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { beforeAll, describe, expect, it } from "vitest";
import { baselineViolations, restrictedViolations } from "./kubernetes/pod-security";
import { BASE_DIR, OPENSHIFT_DIR, kubectlVersion, parseObjects, renderKustomize, type KubeObject } from "./kubernetes/render";
import { schemaProblems, sccSchema, unknownFields, type SecurityContextConstraints } from "./kubernetes/schemas";

/** The agent's capabilities on top of dropping all (docs/security.md#privileges; deploy/kubernetes/base/agent-daemonset.yaml). */
const AGENT_CAPABILITIES = ["SYS_ADMIN", "SYS_PTRACE", "NET_BROADCAST", "DAC_READ_SEARCH"];
const NAMESPACE = "nsatlas";
const AGENT_PORT = 7471;
const HUB_PORT = 3000;

interface Render {
  objects: KubeObject[];
  warnings: string;
  daemonSet: IDaemonSet;
  hub: IDeployment;
}

function only<T>(items: T[], what: string): T {
  expect(items, what).toHaveLength(1);
  const [item] = items;
  if (item === undefined) throw new Error(`no ${what}`);
  return item;
}

function load(dir: string): Render {
  const { objects, warnings } = renderKustomize(dir);
  return {
    objects,
    warnings,
    daemonSet: only(
      objects.filter((o): o is IDaemonSet & KubeObject => DaemonSet.is(o)),
      "DaemonSet",
    ),
    hub: only(
      objects.filter((o): o is IDeployment & KubeObject => Deployment.is(o)),
      "Deployment",
    ),
  };
}

function podSpec(workload: IDaemonSet | IDeployment): IPodSpec {
  const spec = workload.spec?.template.spec;
  if (spec === undefined) throw new Error(`${workload.metadata?.name ?? "workload"} has no pod spec`);
  return spec;
}

function container(workload: IDaemonSet | IDeployment): IContainer {
  return only(podSpec(workload).containers, `containers of ${workload.metadata?.name ?? "workload"}`);
}

/** The number a probe's or Service's named port stands for in this container. */
function portNumber(c: IContainer, port: string | number | undefined): number | undefined {
  return typeof port === "string" ? c.ports?.find((p) => p.name === port)?.containerPort : port;
}

function env(c: IContainer, name: string) {
  return only(
    (c.env ?? []).filter((e) => e.name === name),
    `env ${name} of ${c.name}`,
  );
}

/** Every value under `key` anywhere in `value`, with where it is. */
function findKey(value: unknown, key: string, at = ""): Array<{ at: string; value: unknown }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => findKey(v, key, `${at}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [...(k === key ? [{ at: `${at}.${k}`, value: v }] : []), ...findKey(v, key, `${at}.${k}`)]);
}

function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

let kubectl: string;
let base: Render;
let openshift: Render;

beforeAll(() => {
  kubectl = kubectlVersion();
  base = load(BASE_DIR);
  openshift = load(OPENSHIFT_DIR);
});

describe("rendering", () => {
  it("kubectl kustomize builds the base and the OpenShift overlay without a warning", () => {
    expect(kubectl).toMatch(/^v1\.\d+/);
    expect(base.warnings).toBe("");
    expect(openshift.warnings).toBe("");
  });

  it("renders exactly the documented objects", () => {
    const names = (r: Render) => r.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    const expected = [
      "DaemonSet/nsatlas-agent",
      "Deployment/nsatlas-hub",
      "Namespace/nsatlas",
      "NetworkPolicy/nsatlas-agent",
      "Service/nsatlas-agent",
      "Service/nsatlas-hub",
      "ServiceAccount/nsatlas-agent",
      "ServiceAccount/nsatlas-hub",
    ];
    expect(names(base)).toEqual(expected);
    expect(names(openshift)).toEqual([...expected, "SecurityContextConstraints/nsatlas-agent"].sort());
  });

  it("puts every namespaced object in the nsatlas namespace", () => {
    for (const r of [base, openshift]) {
      for (const o of r.objects) {
        const clusterScoped = o.kind === "Namespace" || o.kind === "SecurityContextConstraints";
        expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(clusterScoped ? undefined : NAMESPACE);
      }
    }
  });

  it("lets an overlay replace the image of both the agent and the hub", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-kustomize-"));
    try {
      const overlay = [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources:",
        `  - ${path.relative(dir, BASE_DIR)}`,
        "images:",
        "  - name: nsatlas",
        "    newName: registry.example/nsatlas",
        '    newTag: "9.9.9"',
        "",
      ].join("\n");
      fs.writeFileSync(path.join(dir, "kustomization.yaml"), overlay);
      const r = load(dir);
      expect(container(r.daemonSet).image).toBe("registry.example/nsatlas:9.9.9");
      expect(container(r.hub).image).toBe("registry.example/nsatlas:9.9.9");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(container(base.daemonSet).image).toBe("nsatlas:latest");
    expect(container(base.hub).image).toBe("nsatlas:latest");
  });
});

describe("schemas", () => {
  it("every rendered object is valid against its kind's schema, with no unknown field", () => {
    for (const r of [base, openshift]) {
      expect(r.objects.flatMap(schemaProblems)).toEqual([]);
    }
  });

  it("the checks catch what the API server would refuse", () => {
    const ds = structuredClone(base.objects.find((o) => o.kind === "DaemonSet"));
    if (ds === undefined) throw new Error("no DaemonSet");
    const [broken] = parseObjects(
      JSON.stringify({
        ...ds,
        spec: {
          ...(ds.spec as object),
          template: {
            ...podTemplate(ds),
            spec: {
              ...podTemplate(ds).spec,
              // A field one level off (it belongs to a container's securityContext) and a typo.
              securityContext: { readOnlyRootFilesystem: true },
              hostPid: true,
            },
          },
        },
      }),
      "broken",
    );
    if (broken === undefined) throw new Error("no object");
    expect(unknownFields(broken).sort()).toEqual(["spec.template.spec.hostPid", "spec.template.spec.securityContext.readOnlyRootFilesystem"]);
    const badEnum = structuredClone(broken);
    const mount = findKey(badEnum, "mountPropagation")[0];
    expect(mount?.value).toBe("HostToContainer");
    const text = JSON.stringify(badEnum).replace('"HostToContainer"', '"HostToContainr"');
    expect(schemaProblems(only(parseObjects(text, "enum"), "object")).join("\n")).toMatch(/mountPropagation must be equal to one of the allowed values/);
    const scc = openshift.objects.find((o) => o.kind === "SecurityContextConstraints");
    expect(sccSchema.safeParse({ ...scc, allowHostPid: true }).success).toBe(false);
    expect(sccSchema.safeParse({ ...scc, volumes: ["hostpath"] }).success).toBe(false);
    expect(schemaProblems({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "x" } })).toHaveLength(1);
  });
});

function podTemplate(o: KubeObject): { metadata: object; spec: object } {
  const spec = o.spec as { template: { metadata: object; spec: object } };
  return spec.template;
}

describe("security posture", () => {
  it("no privileged container, no privilege escalation, a read-only root and drop ALL in every container", () => {
    for (const r of [base, openshift]) {
      expect(findKey(r.objects, "privileged").filter((f) => f.value !== false)).toEqual([]);
      for (const w of [r.daemonSet, r.hub]) {
        for (const c of [...podSpec(w).containers, ...(podSpec(w).initContainers ?? [])]) {
          expect(c.securityContext?.privileged, c.name).toBe(false);
          expect(c.securityContext?.allowPrivilegeEscalation, c.name).toBe(false);
          expect(c.securityContext?.readOnlyRootFilesystem, c.name).toBe(true);
          expect(c.securityContext?.capabilities?.drop, c.name).toEqual(["ALL"]);
        }
      }
    }
  });

  it("the agent adds exactly its measured capabilities, the hub none", () => {
    for (const r of [base, openshift]) {
      expect([...(container(r.daemonSet).securityContext?.capabilities?.add ?? [])].sort()).toEqual([...AGENT_CAPABILITIES].sort());
      expect(container(r.hub).securityContext?.capabilities?.add).toBeUndefined();
    }
  });

  it("no Kubernetes API access: no token mounted, no Role, ClusterRole or binding", () => {
    for (const r of [base, openshift]) {
      expect(r.objects.filter((o) => o.apiVersion.startsWith("rbac.authorization.k8s.io/"))).toEqual([]);
      const accounts = r.objects.filter((o): o is IServiceAccount & KubeObject => ServiceAccount.is(o));
      expect(accounts.map((a) => a.metadata?.name).sort()).toEqual(["nsatlas-agent", "nsatlas-hub"]);
      for (const a of accounts) expect(a.automountServiceAccountToken, a.metadata?.name).toBe(false);
      expect(podSpec(r.daemonSet).serviceAccountName).toBe("nsatlas-agent");
      expect(podSpec(r.hub).serviceAccountName).toBe("nsatlas-hub");
      for (const w of [r.daemonSet, r.hub]) expect(podSpec(w).automountServiceAccountToken, w.metadata?.name).toBe(false);
    }
  });

  it("the token comes from the Secret nsatlas-token, which is not in the manifests", () => {
    for (const r of [base, openshift]) {
      for (const w of [r.daemonSet, r.hub]) {
        expect(env(container(w), "NSATLAS_TOKEN").valueFrom?.secretKeyRef, w.metadata?.name).toEqual({ name: "nsatlas-token", key: "token" });
      }
      expect(r.objects.filter((o) => o.kind === "Secret")).toEqual([]);
    }
  });
});

describe("Pod Security levels", () => {
  it("the namespace enforces privileged, which the agent alone needs", () => {
    const ns = only(
      base.objects.filter((o): o is INamespace & KubeObject => Namespace.is(o)),
      "Namespace",
    );
    expect(ns.metadata?.labels?.["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(ns.metadata?.labels?.["pod-security.kubernetes.io/enforce-version"]).toBe("latest");
  });

  it("the agent fails baseline on exactly the host namespaces, capabilities, hostPath volumes and its host port", () => {
    expect(baselineViolations(podSpec(base.daemonSet)).sort()).toEqual(["capabilities", "hostNamespaces", "hostPathVolumes", "hostPorts"]);
    // OpenShift adds SELinux type spc_t, which baseline does not allow either.
    expect(baselineViolations(podSpec(openshift.daemonSet)).sort()).toEqual(["capabilities", "hostNamespaces", "hostPathVolumes", "hostPorts", "seLinux"]);
  });

  it("the hub passes restricted, as rendered for Kubernetes and for OpenShift", () => {
    expect(restrictedViolations(podSpec(base.hub))).toEqual([]);
    expect(restrictedViolations(podSpec(openshift.hub))).toEqual([]);
  });

  it("the level checks see what they should", () => {
    const hub = podSpec(base.hub);
    const hubContainer = container(base.hub);
    const root = { ...hub, securityContext: { ...hub.securityContext, runAsUser: 0 } };
    expect(restrictedViolations(root)).toEqual(["runAsUser"]);
    const escalating = { ...hub, containers: [{ ...hubContainer, securityContext: { ...hubContainer.securityContext, allowPrivilegeEscalation: true } }] };
    expect(restrictedViolations(escalating)).toEqual(["privilegeEscalation"]);
    expect(baselineViolations({ ...hub, hostNetwork: true, containers: [{ ...hubContainer }] }).sort()).toEqual(["hostNamespaces", "hostPorts"]);
  });
});

describe("the agent DaemonSet", () => {
  it("runs `nsatlas agent --listen 0.0.0.0:7471` in the host's PID and network namespaces, as uid 0", () => {
    const spec = podSpec(base.daemonSet);
    const c = container(base.daemonSet);
    expect(c.command).toEqual(["nsatlas", "agent", "--listen", `0.0.0.0:${AGENT_PORT}`]);
    expect(c.args).toBeUndefined();
    expect(spec.hostPID).toBe(true);
    expect(spec.hostNetwork).toBe(true);
    expect(spec.hostIPC).toBeUndefined();
    expect(spec.dnsPolicy).toBe("ClusterFirstWithHostNet");
    expect(spec.securityContext?.runAsUser).toBe(0);
    expect(spec.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
    expect(portNumber(c, "http")).toBe(AGENT_PORT);
  });

  it("mounts the host's /run read-only with HostToContainer propagation, and nothing else of the host's but its data directory", () => {
    const spec = podSpec(base.daemonSet);
    const c = container(base.daemonSet);
    const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
    const run = only(
      (c.volumeMounts ?? []).filter((m) => m.mountPath === "/run"),
      "/run mount",
    );
    expect(run).toMatchObject({ readOnly: true, mountPropagation: "HostToContainer" });
    expect(volumes.get(run.name)?.hostPath).toEqual({ path: "/run", type: "Directory" });
    const hostPaths = (spec.volumes ?? []).flatMap((v) => (v.hostPath === undefined ? [] : [v.hostPath.path])).sort();
    expect(hostPaths).toEqual(["/run", "/var/lib/nsatlas"]);
    const data = only(
      (c.volumeMounts ?? []).filter((m) => m.mountPath === "/var/lib/nsatlas"),
      "data mount",
    );
    expect(volumes.get(data.name)?.hostPath).toEqual({ path: "/var/lib/nsatlas", type: "DirectoryOrCreate" });
    expect(env(c, "NSATLAS_DATA_DIR").value).toBe("/var/lib/nsatlas");
    const tmp = only(
      (c.volumeMounts ?? []).filter((m) => m.mountPath === "/tmp"),
      "/tmp mount",
    );
    expect(volumes.get(tmp.name)?.emptyDir).toBeDefined();
    // Only /run receives the host's later mounts; nothing propagates back to the host.
    expect((c.volumeMounts ?? []).filter((m) => m.mountPropagation !== undefined).map((m) => m.mountPath)).toEqual(["/run"]);
  });

  it("names its node from spec.nodeName", () => {
    expect(env(container(base.daemonSet), "NSATLAS_NODE_NAME").valueFrom?.fieldRef?.fieldPath).toBe("spec.nodeName");
  });

  it("probes /livez and /readyz on its port, runs on every node, rolls one node at a time, within measured resources", () => {
    const spec = podSpec(base.daemonSet);
    const c = container(base.daemonSet);
    expect(c.livenessProbe?.httpGet?.path).toBe("/livez");
    expect(portNumber(c, c.livenessProbe?.httpGet?.port)).toBe(AGENT_PORT);
    expect(c.readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(portNumber(c, c.readinessProbe?.httpGet?.port)).toBe(AGENT_PORT);
    expect(spec.tolerations).toEqual([{ operator: "Exists" }]);
    expect(base.daemonSet.spec?.updateStrategy?.type).toBe("RollingUpdate");
    expect(c.resources?.requests).toEqual({ cpu: "50m", memory: "128Mi" });
    expect(c.resources?.limits).toEqual({ memory: "256Mi" });
    expect(labelsMatch(base.daemonSet.spec?.selector.matchLabels, base.daemonSet.spec?.template.metadata?.labels)).toBe(true);
  });

  it("is found through the headless Service nsatlas-agent, not-ready agents included", () => {
    const svc = only(
      base.objects.filter((o): o is IService & KubeObject => Service.is(o) && o.metadata.name === "nsatlas-agent"),
      "agent Service",
    );
    expect(svc.spec?.clusterIP).toBe("None");
    expect(svc.spec?.publishNotReadyAddresses).toBe(true);
    expect(labelsMatch(svc.spec?.selector, base.daemonSet.spec?.template.metadata?.labels)).toBe(true);
    const port = only(svc.spec?.ports ?? [], "agent Service port");
    expect(port.port).toBe(AGENT_PORT);
    expect(portNumber(container(base.daemonSet), port.targetPort)).toBe(AGENT_PORT);
  });

  it("accepts ingress only from the hub, on its port", () => {
    const policy = only(
      base.objects.filter((o): o is INetworkPolicy & KubeObject => NetworkPolicy.is(o)),
      "NetworkPolicy",
    );
    const spec = policy.spec;
    expect(labelsMatch(spec?.podSelector.matchLabels, base.daemonSet.spec?.template.metadata?.labels)).toBe(true);
    expect(labelsMatch(spec?.podSelector.matchLabels, base.hub.spec?.template.metadata?.labels)).toBe(false);
    expect(spec?.policyTypes).toEqual(["Ingress"]);
    const rule = only(spec?.ingress ?? [], "ingress rule");
    const peer = only(rule.from ?? [], "ingress peer");
    expect(Object.keys(peer)).toEqual(["podSelector"]);
    expect(peer.podSelector?.matchExpressions).toBeUndefined();
    expect(labelsMatch(peer.podSelector?.matchLabels, base.hub.spec?.template.metadata?.labels)).toBe(true);
    expect(labelsMatch(peer.podSelector?.matchLabels, base.daemonSet.spec?.template.metadata?.labels)).toBe(false);
    expect(rule.ports).toEqual([{ protocol: "TCP", port: AGENT_PORT }]);
  });
});

describe("the hub Deployment", () => {
  it("runs `nsatlas dashboard` as non-root with the runtime's seccomp profile and writable emptyDirs only", () => {
    const spec = podSpec(base.hub);
    const c = container(base.hub);
    expect(c.command).toEqual(["nsatlas", "dashboard"]);
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
    expect(spec.securityContext?.runAsUser).not.toBe(0);
    expect(c.securityContext?.runAsNonRoot).toBe(true);
    expect(spec.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.hostPID).toBeUndefined();
    const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
    const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.mountPath, m]));
    expect([...mounts.keys()].sort()).toEqual(["/tmp", "/var/lib/nsatlas"]);
    for (const m of mounts.values()) expect(Object.keys(volumes.get(m.name) ?? {}).sort(), m.mountPath).toEqual(["emptyDir", "name"]);
    expect(env(c, "NSATLAS_DATA_DIR").value).toBe("/var/lib/nsatlas");
  });

  it("follows the agents through the headless Service's DNS name, listens on 0.0.0.0:3000 and probes it", () => {
    const c = container(base.hub);
    expect(env(c, "NSATLAS_AGENTS").value).toBe(`dns:nsatlas-agent.${NAMESPACE}.svc.cluster.local:${AGENT_PORT}`);
    expect(env(c, "NSATLAS_HOST").value).toBe("0.0.0.0");
    expect(env(c, "PORT").value).toBe(String(HUB_PORT));
    expect(portNumber(c, "http")).toBe(HUB_PORT);
    expect(c.livenessProbe?.httpGet?.path).toBe("/livez");
    expect(portNumber(c, c.livenessProbe?.httpGet?.port)).toBe(HUB_PORT);
    expect(c.readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(portNumber(c, c.readinessProbe?.httpGet?.port)).toBe(HUB_PORT);
    expect(labelsMatch(base.hub.spec?.selector.matchLabels, base.hub.spec?.template.metadata?.labels)).toBe(true);
  });

  it("is served by the ClusterIP Service nsatlas-hub on port 80", () => {
    const svc = only(
      base.objects.filter((o): o is IService & KubeObject => Service.is(o) && o.metadata.name === "nsatlas-hub"),
      "hub Service",
    );
    expect(svc.spec?.type).toBe("ClusterIP");
    expect(labelsMatch(svc.spec?.selector, base.hub.spec?.template.metadata?.labels)).toBe(true);
    expect(labelsMatch(svc.spec?.selector, base.daemonSet.spec?.template.metadata?.labels)).toBe(false);
    const port = only(svc.spec?.ports ?? [], "hub Service port");
    expect(port.port).toBe(80);
    expect(portNumber(container(base.hub), port.targetPort)).toBe(HUB_PORT);
  });
});

describe("the OpenShift overlay", () => {
  function scc(): SecurityContextConstraints {
    return sccSchema.parse(
      only(
        openshift.objects.filter((o) => o.kind === "SecurityContextConstraints"),
        "SCC",
      ),
    );
  }

  it("grants its SCC to the agent's ServiceAccount alone, through the SCC's users", () => {
    expect(scc().users).toEqual([`system:serviceaccount:${NAMESPACE}:${podSpec(openshift.daemonSet).serviceAccountName ?? ""}`]);
    expect(scc().groups ?? []).toEqual([]);
  });

  it("admits the agent's pod as rendered, and allows no more than it asks for", () => {
    const s = scc();
    const spec = podSpec(openshift.daemonSet);
    const c = container(openshift.daemonSet);
    expect(s).toMatchObject({
      allowPrivilegedContainer: false,
      allowPrivilegeEscalation: false,
      allowHostIPC: false,
      allowHostPID: spec.hostPID === true,
      allowHostNetwork: spec.hostNetwork === true,
      allowHostPorts: true,
      readOnlyRootFilesystem: true,
      runAsUser: { type: "RunAsAny" },
      seLinuxContext: { type: "RunAsAny" },
      defaultAddCapabilities: null,
      requiredDropCapabilities: ["ALL"],
      seccompProfiles: ["runtime/default"],
    });
    expect(c.ports?.every((p) => p.hostPort === p.containerPort)).toBe(true);
    expect([...(s.allowedCapabilities ?? [])].sort()).toEqual([...(c.securityContext?.capabilities?.add ?? [])].sort());
    const volumeTypes = [...new Set((spec.volumes ?? []).flatMap((v) => Object.keys(v).filter((k) => k !== "name")))].sort();
    expect([...(s.volumes ?? [])].sort()).toEqual(volumeTypes);
    expect(s.allowHostDirVolumePlugin).toBe(volumeTypes.includes("hostPath"));
    expect(spec.securityContext?.seLinuxOptions).toEqual({ type: "spc_t" });
    expect(spec.securityContext?.runAsUser).toBe(0);
  });

  it("leaves the hub to restricted-v2: no fixed uid, still non-root", () => {
    const spec = podSpec(openshift.hub);
    expect(spec.securityContext?.runAsUser).toBeUndefined();
    expect(spec.securityContext?.runAsGroup).toBeUndefined();
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
  });

  it("keeps the namespace's Pod Security labels from OpenShift's label syncer", () => {
    const ns = only(
      openshift.objects.filter((o): o is INamespace & KubeObject => Namespace.is(o)),
      "Namespace",
    );
    expect(ns.metadata?.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
      "security.openshift.io/scc.podSecurityLabelSync": "false",
    });
  });

  it("changes nothing else of the base", () => {
    const strip = (r: Render) =>
      r.objects
        .filter((o) => o.kind !== "SecurityContextConstraints")
        .map((o) => {
          const copy = structuredClone(o);
          for (const f of findKey(copy, "seLinuxOptions")) expect(f.at).toBe(".spec.template.spec.securityContext.seLinuxOptions");
          const sc = (copy.spec as { template?: { spec?: { securityContext?: Record<string, unknown> } } } | undefined)?.template?.spec?.securityContext;
          if (sc !== undefined) {
            delete sc.seLinuxOptions;
            delete sc.runAsUser;
            delete sc.runAsGroup;
          }
          delete copy.metadata.labels?.["security.openshift.io/scc.podSecurityLabelSync"];
          return copy;
        });
    expect(strip(openshift)).toEqual(strip(base));
  });
});
