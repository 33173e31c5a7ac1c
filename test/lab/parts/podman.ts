import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { cniBridgeConflist } from "../cni-conflist";
import { SUBNETS, type LabConfig } from "../lab-config";
import { readState, writeState } from "../lab-state";
import type { LabNetns } from "../manifest";
import { netnsInode, startDetached, stopProcess } from "../processes";
import { hasCommand, run, tryRun, waitFor } from "../sh";
import { unixGet } from "../unix-http";
import { unmountBelow } from "./containerd-cri";

const ROLE = "podman-service";

interface PodmanPaths {
  dir: string;
  graph: string;
  socket: string;
  env: Record<string, string>;
}

/** Private storage, config and CNI dir: the lab's podman never sees (or changes) the machine's own. */
function podmanPaths(config: LabConfig): PodmanPaths {
  const dir = path.join(config.stateDir, "podman");
  return {
    dir,
    graph: path.join(config.dataDir, "podman"),
    socket: path.join(dir, "podman.sock"),
    env: { CONTAINERS_CONF: path.join(dir, "containers.conf"), CONTAINERS_STORAGE_CONF: path.join(dir, "storage.conf") },
  };
}

function writeConfig(config: LabConfig, paths: PodmanPaths): void {
  const cniDir = path.join(paths.dir, "cni");
  fs.mkdirSync(cniDir, { recursive: true });
  // default_ulimits: without CAP_SYS_RESOURCE podman's default rlimits cannot be set ("error setting rlimit type 7").
  fs.writeFileSync(
    paths.env.CONTAINERS_CONF ?? "",
    `[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
infra_image = "${config.image.ociPause}"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "${path.join(paths.dir, "tmp")}"
[network]
network_backend = "cni"
network_config_dir = "${cniDir}"
`,
  );
  fs.writeFileSync(
    paths.env.CONTAINERS_STORAGE_CONF ?? "",
    `[storage]
driver = "overlay"
graphroot = "${paths.graph}"
runroot = "${path.join(paths.dir, "run")}"
`,
  );
  fs.writeFileSync(
    path.join(cniDir, `${config.prefix}-pnet.conflist`),
    cniBridgeConflist({
      name: `${config.prefix}-pnet`,
      bridge: `${config.prefix}-pbr0`,
      subnet: SUBNETS.podman,
      ipamDir: path.join(paths.dir, "ipam"),
      withLoopback: false,
    }),
  );
}

const inspectSchema = z.array(
  z.object({
    Id: z.string(),
    State: z.object({ Pid: z.number().int() }),
    NetworkSettings: z.object({ SandboxKey: z.string(), Networks: z.record(z.string(), z.object({ IPAddress: z.string(), IPPrefixLen: z.number().int() })) }),
  }),
);
const podInspectSchema = z.object({ Id: z.string(), InfraContainerID: z.string() });
const versionSchema = z.object({ Version: z.string() });

/** A podman pod (infra + app container) and podman's Docker-compatible API socket. */
export async function podmanUp(config: LabConfig, imageTars: string[]): Promise<{ netns: LabNetns[]; version: string; socket: string }> {
  if (!hasCommand("podman")) throw new Error("podman not found: apt-get install podman");
  const paths = podmanPaths(config);
  writeConfig(config, paths);
  const podman = (...args: string[]) => run("podman", args, { env: paths.env }).trim();
  for (const tar of imageTars) podman("load", "-q", "-i", tar);
  const pod = `${config.prefix}-pod`;
  const app = `${config.prefix}-pod-app`;
  podman("pod", "create", "--name", pod, "--network", `${config.prefix}-pnet`, "--label", config.label);
  podman("run", "-d", "--pod", pod, "--name", app, "--label", config.label, config.image.oci, "sleep", "2147483647");
  const podInfo = podInspectSchema.parse(JSON.parse(podman("pod", "inspect", pod)));
  const [infra] = inspectSchema.parse(JSON.parse(podman("inspect", podInfo.InfraContainerID)));
  const [appInfo] = inspectSchema.parse(JSON.parse(podman("inspect", app)));
  if (infra === undefined || appInfo === undefined) throw new Error("podman inspect returned nothing");
  const infraName = podman("inspect", "--format", "{{.Name}}", podInfo.InfraContainerID);
  const net = infra.NetworkSettings.Networks[`${config.prefix}-pnet`];

  startDetached(config, ROLE, "podman", ["system", "service", "--time=0", `unix://${paths.socket}`], { env: paths.env });
  let version = "";
  await waitFor("podman API socket", 30_000, async () => {
    try {
      version = versionSchema.parse(JSON.parse(await unixGet(paths.socket, "/version"))).Version;
      return true;
    } catch {
      return false;
    }
  });
  return {
    version,
    socket: paths.socket,
    netns: [
      {
        key: `podman:${pod}`,
        inode: netnsInode(infra.NetworkSettings.SandboxKey),
        owner: { kind: "podman-pod", name: pod, id: podInfo.Id, containers: [infraName, app] },
        paths: [infra.NetworkSettings.SandboxKey],
        pids: [infra.State.Pid, appInfo.State.Pid],
        interfaces: [
          {
            name: "eth0",
            kind: "veth",
            addresses: net ? [`${net.IPAddress}/${net.IPPrefixLen}`] : [],
            peer: { netns: "host", master: `${config.prefix}-pbr0` },
          },
        ],
      },
    ],
  };
}

/** Stops the API service, removes every pod and container in the lab's private storage, then the storage. */
export async function podmanDown(config: LabConfig): Promise<void> {
  const paths = podmanPaths(config);
  const state = readState(config);
  const proc = state.processes.find((p) => p.role === ROLE);
  if (proc !== undefined) await stopProcess(proc);
  writeState(config, { ...state, processes: state.processes.filter((p) => p.role !== ROLE) });
  if (fs.existsSync(paths.env.CONTAINERS_CONF ?? "")) {
    tryRun("podman", ["pod", "rm", "-a", "-f", "-t", "0"], { env: paths.env });
    tryRun("podman", ["rm", "-a", "-f", "-t", "0"], { env: paths.env });
  }
  unmountBelow([paths.dir, paths.graph]);
  fs.rmSync(paths.dir, { recursive: true, force: true });
  fs.rmSync(paths.graph, { recursive: true, force: true });
}
