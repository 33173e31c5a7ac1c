import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  findKubelets,
  kubeletEndpoints,
  parseCmdline,
  parseKubeletFlags,
  runtimeEndpointFromConfig,
  socketPathOfEndpoint,
} from "../../../server/runtimes/kubelet-endpoint";

/** A kubeadm node (1.29): the systemd unit's flags, kubeadm-flags.env's flags, then KUBELET_EXTRA_ARGS. */
const KUBEADM_ARGS = [
  "/usr/bin/kubelet",
  "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf",
  "--kubeconfig=/etc/kubernetes/kubelet.conf",
  "--config=/var/lib/kubelet/config.yaml",
  "--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock",
  "--pod-infra-container-image=registry.k8s.io/pause:3.9",
];

/** RKE2's kubelet: its own containerd under /run/k3s, and a `--containerd` flag that is not the runtime endpoint. */
const RKE2_ARGS = [
  "kubelet",
  "--volume-plugin-dir=/var/lib/kubelet/volumeplugins",
  "--file-check-frequency=5s",
  "--sync-frequency=30s",
  "--address=0.0.0.0",
  "--anonymous-auth=false",
  "--authentication-token-webhook=true",
  "--authorization-mode=Webhook",
  "--cgroup-driver=systemd",
  "--client-ca-file=/var/lib/rancher/rke2/agent/client-ca.crt",
  "--cloud-provider=external",
  "--cluster-dns=10.43.0.10",
  "--cluster-domain=cluster.local",
  "--container-runtime-endpoint=unix:///run/k3s/containerd/containerd.sock",
  "--containerd=/run/k3s/containerd/containerd.sock",
  "--eviction-hard=imagefs.available<5%,nodefs.available<5%",
  "--fail-swap-on=false",
  "--healthz-bind-address=127.0.0.1",
  "--hostname-override=node-1",
  "--kubeconfig=/var/lib/rancher/rke2/agent/kubelet.kubeconfig",
  "--node-labels=",
  "--pod-manifest-path=/var/lib/rancher/rke2/agent/pod-manifests",
  "--read-only-port=0",
];

/** OpenShift's kubelet: a bare path (the kubelet's fallback protocol is unix), given as a separate argument. */
const OPENSHIFT_ARGS = [
  "/usr/bin/kubelet",
  "--config=/etc/kubernetes/kubelet.conf",
  "--bootstrap-kubeconfig=/etc/kubernetes/kubeconfig",
  "--kubeconfig=/var/lib/kubelet/kubeconfig",
  "--container-runtime-endpoint",
  "/var/run/crio/crio.sock",
  "--runtime-cgroups=/system.slice/crio.service",
  "--node-labels=node-role.kubernetes.io/worker,node.openshift.io/os_id=rhcos",
  "--v=2",
];

/** What kubeadm 1.29 writes to /var/lib/kubelet/config.yaml: the endpoint left empty (the flag sets it). */
const KUBEADM_CONFIG = `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
resolvConf: /run/systemd/resolve/resolv.conf
rotateCertificates: true
staticPodPath: /etc/kubernetes/manifests
`;

/** A hand-written KubeletConfiguration (Kubernetes the hard way) that sets the endpoint. */
const HARD_WAY_CONFIG = `kind: KubeletConfiguration
apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /var/lib/kubelet/ca.crt
authorization:
  mode: Webhook
cgroupDriver: systemd
containerRuntimeEndpoint: "unix:///var/run/containerd/containerd.sock"
enableServer: true
failSwapOn: false
maxPods: 16
memorySwap:
  swapBehavior: NoSwap
port: 10250
resolvConf: /etc/resolv.conf
registerNode: true
runtimeRequestTimeout: "15m"
tlsCertFile: /var/lib/kubelet/kubelet.crt
tlsPrivateKeyFile: /var/lib/kubelet/kubelet.key
`;

describe("a kubelet's command line", () => {
  it("splits /proc/PID/cmdline at NUL, without the trailing empty argument", () => {
    expect(parseCmdline(`${KUBEADM_ARGS.join("\0")}\0`)).toEqual(KUBEADM_ARGS);
    expect(parseCmdline("")).toEqual([]);
  });

  it("reads kubeadm's flags", () => {
    expect(parseKubeletFlags(KUBEADM_ARGS)).toEqual({
      config: "/var/lib/kubelet/config.yaml",
      containerRuntimeEndpoint: "unix:///var/run/containerd/containerd.sock",
    });
  });

  it("reads RKE2's endpoint and not its --containerd flag", () => {
    expect(parseKubeletFlags(RKE2_ARGS)).toEqual({ containerRuntimeEndpoint: "unix:///run/k3s/containerd/containerd.sock" });
  });

  it("reads a value given as the next argument, as pflag does", () => {
    expect(parseKubeletFlags(OPENSHIFT_ARGS)).toEqual({ config: "/etc/kubernetes/kubelet.conf", containerRuntimeEndpoint: "/var/run/crio/crio.sock" });
  });

  it("takes the last occurrence, underscores as dashes, --config-dir, and nothing after --", () => {
    expect(
      parseKubeletFlags([
        "kubelet",
        "--container-runtime-endpoint=unix:///a.sock",
        "--container_runtime_endpoint=unix:///b.sock",
        "--config-dir=/etc/kubernetes/kubelet.conf.d",
        "--",
        "--container-runtime-endpoint=unix:///c.sock",
      ]),
    ).toEqual({ containerRuntimeEndpoint: "unix:///b.sock", configDir: "/etc/kubernetes/kubelet.conf.d" });
  });

  it("ignores argv[0], empty values and a flag without its value", () => {
    expect(parseKubeletFlags(["--config=/x.yaml", "--config=", "--container-runtime-endpoint"])).toEqual({});
  });
});

describe("a KubeletConfiguration", () => {
  it("reads containerRuntimeEndpoint from YAML", () => {
    expect(runtimeEndpointFromConfig(HARD_WAY_CONFIG)).toBe("unix:///var/run/containerd/containerd.sock");
  });

  it("reads it from JSON (the kubelet accepts both)", () => {
    const json = JSON.stringify({
      kind: "KubeletConfiguration",
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      containerRuntimeEndpoint: "unix:///var/run/crio/crio.sock",
    });
    expect(runtimeEndpointFromConfig(json)).toBe("unix:///var/run/crio/crio.sock");
  });

  it.each([
    ["kubeadm's empty endpoint", KUBEADM_CONFIG],
    ["no endpoint", "kind: KubeletConfiguration\ncgroupDriver: systemd\n"],
    ["an endpoint that is not a string", "containerRuntimeEndpoint: 42\n"],
    ["a list", "- containerRuntimeEndpoint: unix:///x.sock\n"],
    ["text that is not YAML", "containerRuntimeEndpoint: [unclosed\n  : :"],
    ["nothing", ""],
  ])("reads %s as unset", (_, text) => {
    expect(runtimeEndpointFromConfig(text)).toBeUndefined();
  });
});

describe("socketPathOfEndpoint", () => {
  it.each([
    ["unix:///run/containerd/containerd.sock", "/run/containerd/containerd.sock"],
    ["/var/run/crio/crio.sock", "/var/run/crio/crio.sock"],
    ["  unix:///run/k3s/containerd/containerd.sock\n", "/run/k3s/containerd/containerd.sock"],
    ["tcp://10.0.0.1:2376", undefined],
    ["npipe:////./pipe/containerd-containerd", undefined],
    ["unix://relative.sock", undefined],
  ])("%s → %s", (endpoint, socket) => {
    expect(socketPathOfEndpoint(endpoint)).toBe(socket);
  });
});

/** A /proc of our own: each process a directory with comm, cmdline, cwd and root, and its mount namespace. */
describe("kubeletEndpoints over a /proc tree", () => {
  let dir: string;
  let proc: string;
  let root: string;

  const addProcess = (pid: number, comm: string, args: string[], options: { mntns?: string; cwd?: string } = {}) => {
    const p = path.join(proc, String(pid));
    fs.mkdirSync(path.join(p, "ns"), { recursive: true });
    fs.writeFileSync(path.join(p, "comm"), `${comm}\n`);
    fs.writeFileSync(path.join(p, "cmdline"), `${args.join("\0")}\0`);
    fs.symlinkSync(root, path.join(p, "root"));
    fs.symlinkSync(options.cwd ?? root, path.join(p, "cwd"));
    fs.symlinkSync(options.mntns ?? "mnt:[4026531841]", path.join(p, "ns", "mnt"));
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "t17sock-proc-"));
    proc = path.join(dir, "proc");
    root = path.join(dir, "root");
    fs.mkdirSync(path.join(root, "etc/kubernetes/kubelet.conf.d"), { recursive: true });
    fs.mkdirSync(path.join(proc, "self/ns"), { recursive: true });
    fs.symlinkSync("mnt:[4026531841]", path.join(proc, "self/ns/mnt"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds processes named kubelet, and only those", () => {
    addProcess(1, "systemd", ["/sbin/init"]);
    addProcess(812, "kubelet", KUBEADM_ARGS);
    addProcess(900, "kubelet-wrapper", ["/usr/bin/kubelet-wrapper"]);
    fs.mkdirSync(path.join(proc, "sys"));
    expect(findKubelets(proc)).toEqual([812]);
  });

  it("prefers the flag to the configuration file", () => {
    fs.writeFileSync(path.join(root, "etc/kubernetes/kubelet.yaml"), HARD_WAY_CONFIG.replace("/var/run/containerd/containerd.sock", "/from/config.sock"));
    addProcess(812, "kubelet", [...RKE2_ARGS, "--config=/etc/kubernetes/kubelet.yaml"]);
    expect(kubeletEndpoints(proc)).toEqual([{ pid: 812, endpoint: "/run/k3s/containerd/containerd.sock", from: "flag" }]);
  });

  it("reads the configuration file through the kubelet's root, a relative one through its working directory", () => {
    fs.writeFileSync(path.join(root, "etc/kubernetes/kubelet.yaml"), HARD_WAY_CONFIG);
    addProcess(812, "kubelet", ["/usr/bin/kubelet", "--config=/etc/kubernetes/kubelet.yaml"]);
    addProcess(813, "kubelet", ["/usr/bin/kubelet", "--config", "kubelet.yaml"], { cwd: path.join(root, "etc/kubernetes") });
    expect(kubeletEndpoints(proc)).toEqual([
      { pid: 812, endpoint: "/var/run/containerd/containerd.sock", from: "config" },
      { pid: 813, endpoint: "/var/run/containerd/containerd.sock", from: "config" },
    ]);
  });

  it("lets the drop-in directory override the file, in name order", () => {
    fs.writeFileSync(path.join(root, "etc/kubernetes/kubelet.yaml"), KUBEADM_CONFIG);
    const dropIns = path.join(root, "etc/kubernetes/kubelet.conf.d");
    fs.writeFileSync(path.join(dropIns, "20-crio.conf"), "containerRuntimeEndpoint: unix:///run/crio/crio.sock\n");
    fs.writeFileSync(path.join(dropIns, "10-containerd.conf"), "containerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n");
    fs.writeFileSync(path.join(dropIns, "99-ignored.yaml"), "containerRuntimeEndpoint: unix:///ignored.sock\n");
    addProcess(812, "kubelet", ["/usr/bin/kubelet", "--config=/etc/kubernetes/kubelet.yaml", "--config-dir=/etc/kubernetes/kubelet.conf.d"]);
    expect(kubeletEndpoints(proc)).toEqual([{ pid: 812, endpoint: "/run/crio/crio.sock", from: "config" }]);
  });

  it("reaches the socket through /proc/PID/root when the kubelet sees another mount namespace", () => {
    addProcess(812, "kubelet", KUBEADM_ARGS, { mntns: "mnt:[4026532999]" });
    expect(kubeletEndpoints(proc)).toEqual([{ pid: 812, endpoint: `${proc}/812/root/var/run/containerd/containerd.sock`, from: "flag" }]);
  });

  it("skips a kubelet without a usable setting: none, a missing file, a tcp:// endpoint", () => {
    addProcess(812, "kubelet", ["/usr/bin/kubelet"]);
    addProcess(813, "kubelet", ["/usr/bin/kubelet", "--config=/etc/kubernetes/missing.yaml"]);
    addProcess(814, "kubelet", ["/usr/bin/kubelet", "--container-runtime-endpoint=tcp://10.0.0.1:2376"]);
    expect(kubeletEndpoints(proc)).toEqual([]);
  });
});
