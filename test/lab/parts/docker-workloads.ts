import { createHash } from "node:crypto";
import { z } from "zod";
import { SUBNETS, stableUuid, type LabConfig } from "../lab-config";
import type { LabInterface, LabNetns } from "../manifest";
import { netnsInode } from "../processes";
import { run, tryRun } from "../sh";

const SLEEP = ["sleep", "2147483647"];

const inspectSchema = z.array(
  z.object({
    Id: z.string(),
    Name: z.string(),
    State: z.object({ Pid: z.number().int() }),
    HostConfig: z.object({ NetworkMode: z.string() }),
    NetworkSettings: z.object({
      SandboxKey: z.string(),
      Networks: z.record(z.string(), z.object({ IPAddress: z.string(), IPPrefixLen: z.number().int() })),
    }),
  }),
);
type Inspect = z.infer<typeof inspectSchema>[number];

function docker(...args: string[]): string {
  return run("docker", args).trim();
}

function inspect(name: string): Inspect {
  const [first] = inspectSchema.parse(JSON.parse(docker("inspect", name)));
  if (first === undefined) throw new Error(`docker inspect ${name}: empty`);
  return first;
}

export interface DockerPart {
  netns: LabNetns[];
  hostInterfaces: LabInterface[];
  hostNetworkContainers: string[];
}

export function dockerImageUp(config: LabConfig, rootfsTar: string): void {
  if (tryRun("docker", ["image", "inspect", config.image.docker]).ok) return;
  run("docker", ["import", "-c", 'CMD ["/bin/sh"]', "-c", "ENV PATH=/bin", rootfsTar, config.image.docker]);
}

/** Containers in every network mode, plus dockershim-style Kubernetes pods. */
export function dockerWorkloadsUp(config: LabConfig): DockerPart {
  const p = config.prefix;
  const label = ["--label", config.label];
  const bridges: Record<string, string> = { bridge: "docker0" };
  for (const [net, bridge, subnet] of [
    [`${p}-net1`, `${p}-br1`, SUBNETS.dockerNet1],
    [`${p}-net2`, `${p}-br2`, SUBNETS.dockerNet2],
    [`${p}-pods`, `${p}-brp`, SUBNETS.dockerPods],
  ] as const) {
    docker("network", "create", ...label, "--subnet", `${subnet}.0/24`, "-o", `com.docker.network.bridge.name=${bridge}`, net);
    bridges[net] = bridge;
  }
  // The macvlan parent is a veth end the lab owns: never the machine's real interface.
  const parent = `${p}-mvp0`;
  run("ip", ["link", "add", parent, "type", "veth", "peer", "name", `${p}-mvp1`]);
  run("ip", ["link", "set", parent, "up"]);
  run("ip", ["link", "set", `${p}-mvp1`, "up"]);
  docker("network", "create", ...label, "-d", "macvlan", "--subnet", `${SUBNETS.dockerMacvlan}.0/24`, "-o", `parent=${parent}`, `${p}-mac`);

  const runContainer = (name: string, network: string, extra: string[] = []) =>
    docker("run", "-d", "--name", name, ...label, "--network", network, ...extra, config.image.docker, ...SLEEP);
  runContainer(`${p}-web1`, "bridge");
  runContainer(`${p}-web2`, "bridge");
  runContainer(`${p}-app`, `${p}-net1`);
  runContainer(`${p}-none`, "none");
  runContainer(`${p}-hostnet`, "host");
  runContainer(`${p}-multi`, `${p}-net1`);
  docker("network", "connect", `${p}-net2`, `${p}-multi`);
  runContainer(`${p}-mac`, `${p}-mac`);

  const netns: LabNetns[] = [];
  const containerNetns = (name: string, interfaces: LabInterface[]) => {
    const info = inspect(name);
    netns.push({
      key: `docker:${name}`,
      inode: netnsInode(info.NetworkSettings.SandboxKey),
      owner: { kind: "docker-container", names: [name], networkMode: info.HostConfig.NetworkMode },
      paths: [info.NetworkSettings.SandboxKey],
      pids: [info.State.Pid],
      interfaces,
    });
  };
  const bridged = (info: Inspect, network: string, ifname: string): LabInterface => {
    const n = info.NetworkSettings.Networks[network];
    if (n === undefined) throw new Error(`${info.Name} is not on ${network}`);
    return { name: ifname, kind: "veth", addresses: [`${n.IPAddress}/${n.IPPrefixLen}`], peer: { netns: "host", master: bridges[network] } };
  };
  for (const [name, network] of [
    [`${p}-web1`, "bridge"],
    [`${p}-web2`, "bridge"],
    [`${p}-app`, `${p}-net1`],
  ] as const) {
    containerNetns(name, [bridged(inspect(name), network, "eth0")]);
  }
  const multi = inspect(`${p}-multi`);
  containerNetns(`${p}-multi`, [bridged(multi, `${p}-net1`, "eth0"), bridged(multi, `${p}-net2`, "eth1")]);
  containerNetns(`${p}-none`, []);
  const mac = inspect(`${p}-mac`).NetworkSettings.Networks[`${p}-mac`];
  if (mac === undefined) throw new Error(`${p}-mac has no macvlan address`);
  containerNetns(`${p}-mac`, [{ name: "eth0", kind: "macvlan", addresses: [`${mac.IPAddress}/${mac.IPPrefixLen}`], parent, parentNetns: "host" }]);

  for (const [namespace, pod] of [
    [`${p}-shop`, "cart-0"],
    [`${p}-pay`, "ledger-0"],
  ] as const) {
    netns.push(dockershimPod(config, namespace, pod, bridges));
  }

  const hostInterfaces: LabInterface[] = [
    { name: parent, kind: "veth", addresses: [], peer: { netns: "host", name: `${p}-mvp1` } },
    ...[`${p}-br1`, `${p}-br2`, `${p}-brp`].map((name): LabInterface => ({ name, kind: "bridge", addresses: [] })),
  ];
  return { netns, hostInterfaces, hostNetworkContainers: [`${p}-hostnet`] };
}

/** A pod the way cri-dockerd/dockershim makes it: a pause container and two app containers joined to its netns. */
function dockershimPod(config: LabConfig, namespace: string, pod: string, bridges: Record<string, string>): LabNetns {
  const uid = stableUuid(`${config.prefix}/${namespace}/${pod}`, (s) => createHash("sha256").update(s).digest("hex"));
  const podLabels = ["io.kubernetes.pod.name", pod, "io.kubernetes.pod.namespace", namespace, "io.kubernetes.pod.uid", uid];
  const labelArgs = (pairs: string[]) => pairs.flatMap((v, i) => (i % 2 === 0 ? ["--label", `${v}=${pairs[i + 1]}`] : []));
  const network = `${config.prefix}-pods`;
  const pauseName = `k8s_POD_${pod}_${namespace}_${uid}_0`;
  const pauseId = docker(
    "run",
    "-d",
    "--name",
    pauseName,
    "--label",
    config.label,
    "--network",
    network,
    "--ipc",
    "shareable",
    "--hostname",
    pod,
    ...labelArgs([...podLabels, "io.kubernetes.docker.type", "podsandbox"]),
    config.image.docker,
    ...SLEEP,
  );
  const containers = [pauseName];
  const pids = [inspect(pauseName).State.Pid];
  for (const container of ["app", "sidecar"]) {
    const name = `k8s_${container}_${pod}_${namespace}_${uid}_0`;
    docker(
      "run",
      "-d",
      "--name",
      name,
      "--label",
      config.label,
      "--network",
      `container:${pauseId}`,
      "--ipc",
      `container:${pauseId}`,
      ...labelArgs([...podLabels, "io.kubernetes.docker.type", "container", "io.kubernetes.container.name", container, "io.kubernetes.sandbox.id", pauseId]),
      config.image.docker,
      ...SLEEP,
    );
    containers.push(name);
    pids.push(inspect(name).State.Pid);
  }
  const pause = inspect(pauseName);
  const addr = pause.NetworkSettings.Networks[network];
  if (addr === undefined) throw new Error(`${pauseName} has no address on ${network}`);
  return {
    key: `k8s-docker:${namespace}/${pod}`,
    inode: netnsInode(pause.NetworkSettings.SandboxKey),
    owner: { kind: "kubernetes-pod", runtime: "docker", namespace, name: pod, uid, containers, sandboxId: pauseId },
    paths: [pause.NetworkSettings.SandboxKey],
    pids,
    interfaces: [{ name: "eth0", kind: "veth", addresses: [`${addr.IPAddress}/${addr.IPPrefixLen}`], peer: { netns: "host", master: bridges[network] } }],
  };
}

/** Removes the lab's containers, networks and image (found by label, so it works after a half-finished up). */
export function dockerWorkloadsDown(config: LabConfig): void {
  const ids = (kind: "ps" | "network", ...args: string[]) =>
    tryRun("docker", kind === "ps" ? ["ps", "-aq", ...args] : ["network", "ls", "-q", ...args])
      .out.split("\n")
      .filter((s) => /^[0-9a-f]+$/.test(s));
  const containers = ids("ps", "--filter", `label=${config.label}`);
  if (containers.length > 0) tryRun("docker", ["rm", "-f", "-v", ...containers]);
  const networks = ids("network", "--filter", `label=${config.label}`);
  if (networks.length > 0) tryRun("docker", ["network", "rm", ...networks]);
  tryRun("docker", ["image", "rm", "-f", config.image.docker]);
  tryRun("ip", ["link", "del", `${config.prefix}-mvp0`]);
}
