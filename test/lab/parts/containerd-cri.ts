import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { CriClient } from "../../../server/runtimes/cri/cri-client";
import { cniBridgeConflist } from "../cni-conflist";
import { SUBNETS, stableUuid, type LabConfig } from "../lab-config";
import { readState, writeState } from "../lab-state";
import type { LabNetns } from "../manifest";
import { netnsInode, removeNsfsFile, startDetached, stopProcess, unescapeMountPath } from "../processes";
import { hasCommand, run, tryRun, waitFor } from "../sh";

const ROLE = "containerd";
const CALL_MS = 60_000;

interface CriPaths {
  dir: string;
  socket: string;
  root: string;
  config: string;
  cniConf: string;
}

function criPaths(config: LabConfig): CriPaths {
  const dir = path.join(config.stateDir, "containerd");
  return {
    dir,
    socket: path.join(dir, "containerd.sock"),
    root: path.join(config.dataDir, "containerd"),
    config: path.join(dir, "config.toml"),
    cniConf: path.join(dir, "cni"),
  };
}

function writeConfig(config: LabConfig, paths: CriPaths): void {
  fs.mkdirSync(paths.cniConf, { recursive: true });
  // restrict_oom_score_adj: without CAP_SYS_RESOURCE runc cannot lower oom_score_adj and every sandbox fails.
  fs.writeFileSync(
    paths.config,
    `version = 2
root = "${paths.root}"
state = "${path.join(paths.dir, "state")}"
[grpc]
  address = "${paths.socket}"
[ttrpc]
  address = "${paths.socket}.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
  sandbox_image = "${config.image.ociPause}"
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "${path.join(paths.dir, "runc")}"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${paths.cniConf}"
`,
  );
  fs.writeFileSync(
    path.join(paths.cniConf, "10-lab.conflist"),
    cniBridgeConflist({
      name: `${config.prefix}-cri`,
      bridge: `${config.prefix}-cni0`,
      subnet: SUBNETS.cri,
      ipamDir: path.join(paths.dir, "ipam"),
      withLoopback: true,
    }),
  );
}

const runResponse = z.object({ podSandboxId: z.string() });
const createResponse = z.object({ containerId: z.string() });
const versionResponse = z.object({ runtimeName: z.string(), runtimeVersion: z.string() });
const statusResponse = z.object({
  status: z.object({ network: z.object({ ip: z.string() }).nullable() }),
  info: z.record(z.string(), z.string()),
});
/** containerd's verbose sandbox info: the pause PID and the OCI spec that names the netns file. */
const sandboxInfo = z.object({
  pid: z.number().int(),
  runtimeSpec: z.object({
    linux: z.object({ namespaces: z.array(z.object({ type: z.string(), path: z.string().optional() })) }),
  }),
});

/** A separate containerd with its CRI plugin, and two pod sandboxes made through the CRI gRPC API. */
export async function criUp(config: LabConfig, imageTars: string[]): Promise<{ netns: LabNetns[]; version: string; socket: string }> {
  for (const cmd of ["containerd", "ctr", "runc"]) if (!hasCommand(cmd)) throw new Error(`${cmd} not found: apt-get install containerd`);
  if (!fs.existsSync("/usr/lib/cni/bridge")) throw new Error("CNI plugins missing: apt-get install containernetworking-plugins");
  const paths = criPaths(config);
  writeConfig(config, paths);
  startDetached(config, ROLE, "containerd", ["--config", paths.config]);
  const client = new CriClient(paths.socket);
  try {
    let version = "";
    await waitFor("containerd CRI to answer", 30_000, async () => {
      try {
        const v = versionResponse.parse(await client.call("Version", { version: "v1" }, 2000));
        version = `${v.runtimeName} ${v.runtimeVersion}`;
        return true;
      } catch {
        return false;
      }
    });
    for (const tar of imageTars) run("ctr", ["-a", paths.socket, "-n", "k8s.io", "images", "import", tar]);

    const netns: LabNetns[] = [];
    const namespace = `${config.prefix}-cri`;
    for (const pod of ["api-0", "worker-0"]) {
      const uid = stableUuid(`${config.prefix}/${namespace}/${pod}`, (s) => createHash("sha256").update(s).digest("hex"));
      const sandboxConfig = {
        metadata: { name: pod, uid, namespace, attempt: 0 },
        hostname: pod,
        logDirectory: path.join(paths.dir, "logs", pod),
        labels: { "io.kubernetes.pod.name": pod, "io.kubernetes.pod.namespace": namespace, "io.kubernetes.pod.uid": uid, "nsatlas.lab": config.prefix },
        linux: {},
      };
      const { podSandboxId } = runResponse.parse(await client.call("RunPodSandbox", { config: sandboxConfig }, CALL_MS));
      const { containerId } = createResponse.parse(
        await client.call(
          "CreateContainer",
          {
            podSandboxId,
            config: {
              metadata: { name: "main" },
              image: { image: config.image.oci },
              command: ["sleep", "2147483647"],
              logPath: "main.log",
              labels: { "nsatlas.lab": config.prefix },
            },
            sandboxConfig,
          },
          CALL_MS,
        ),
      );
      await client.call("StartContainer", { containerId }, CALL_MS);
      const containerInfo = z
        .object({ info: z.record(z.string(), z.string()) })
        .parse(await client.call("ContainerStatus", { containerId, verbose: true }, CALL_MS));
      const containerPid = z.object({ pid: z.number().int() }).parse(JSON.parse(containerInfo.info.info ?? "{}")).pid;
      const status = statusResponse.parse(await client.call("PodSandboxStatus", { podSandboxId, verbose: true }, CALL_MS));
      const info = sandboxInfo.parse(JSON.parse(status.info.info ?? "{}"));
      const netnsPath = info.runtimeSpec.linux.namespaces.find((n) => n.type === "network")?.path;
      if (netnsPath === undefined) throw new Error(`sandbox ${podSandboxId} has no netns path`);
      const ip = status.status.network?.ip;
      netns.push({
        key: `k8s-cri:${namespace}/${pod}`,
        inode: netnsInode(netnsPath),
        owner: { kind: "kubernetes-pod", runtime: "containerd-cri", namespace, name: pod, uid, containers: ["main"], sandboxId: podSandboxId },
        paths: [netnsPath],
        pids: [info.pid, containerPid],
        interfaces: [{ name: "eth0", kind: "veth", addresses: ip ? [`${ip}/24`] : [], peer: { netns: "host", master: `${config.prefix}-cni0` } }],
      });
    }
    return { netns, version, socket: paths.socket };
  } finally {
    client.close();
  }
}

/** Removes the lab's sandboxes through CRI, stops our containerd, and removes its files and mounts. */
export async function criDown(config: LabConfig, leftoverNetnsPaths: string[]): Promise<void> {
  const paths = criPaths(config);
  const state = readState(config);
  const proc = state.processes.find((p) => p.role === ROLE);
  if (proc !== undefined && fs.existsSync(paths.socket)) {
    const client = new CriClient(paths.socket);
    try {
      const list = z.object({ items: z.array(z.object({ id: z.string() })) }).parse(await client.call("ListPodSandbox", {}, 10_000));
      for (const { id } of list.items) {
        await client.call("StopPodSandbox", { podSandboxId: id }, CALL_MS);
        await client.call("RemovePodSandbox", { podSandboxId: id }, CALL_MS);
      }
    } catch (err) {
      console.warn(`lab: CRI cleanup through the API failed, removing by hand: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      client.close();
    }
  }
  if (proc !== undefined) await stopProcess(proc, 10_000);
  writeState(config, { ...readState(config), processes: readState(config).processes.filter((p) => p.role !== ROLE) });
  // Anything containerd could not undo (it died, or up failed half-way): shims, mounts, netns files.
  for (const file of leftoverNetnsPaths) removeNsfsFile(file);
  unmountBelow([paths.dir, paths.root]);
  fs.rmSync(paths.dir, { recursive: true, force: true });
  fs.rmSync(paths.root, { recursive: true, force: true });
}

/** Lazily unmounts every mount point below the given directories, deepest first. */
export function unmountBelow(dirs: string[]): void {
  const points = fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => unescapeMountPath(line.split(" ")[4] ?? ""))
    .filter((mp) => dirs.some((d) => mp === d || mp.startsWith(`${d}/`)))
    .sort((a, b) => b.length - a.length);
  for (const mp of points) tryRun("umount", ["-l", mp]);
}
