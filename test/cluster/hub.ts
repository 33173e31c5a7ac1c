import fs from "node:fs";
import path from "node:path";
import { run, tryRun } from "../lab/sh";
import { FABRIC_SUBNET, HUB_IP, MACS, SERVICE_NAME, type ClusterConfig } from "./cluster-config";
import { readClusterState, recordClusterProcess, writeClusterState } from "./cluster-state";
import { hubGatewayAnswers } from "./hub-client";
import type { ClusterManifest } from "./manifest";
import { cmdlineOf, isAlive, logTail, nsInode, poll, spawnDetached } from "./proc";

const RUN_NETNS = "/run/netns";
const REPO = path.resolve(import.meta.dirname, "../..");
const GATEWAY_SCRIPT = path.join(REPO, "test/cluster/hub-gateway.ts");

function isMountPoint(dir: string): boolean {
  return fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[4] === dir);
}

export function hostsFile(config: ClusterConfig): string {
  return path.join(config.stateDir, "agents.hosts");
}

export function gatewaySocket(config: ClusterConfig): string {
  return path.join(config.stateDir, "hub-gateway.sock");
}

/** The fabric (a netns holding the nodes' bridge) and the hub netns, plugged into it at 10.250.0.2. */
export function fabricAndHubUp(config: ClusterConfig): { fabric: ClusterManifest["fabric"]; hubNetnsId: string; hubEth0: ClusterManifest["hub"]["eth0"] } {
  if (!isMountPoint(RUN_NETNS)) writeClusterState(config, { ...readClusterState(config), runNetnsMountedByCluster: true });
  run("ip", ["netns", "add", config.fabricNetns]);
  run("ip", ["netns", "add", config.hubNetns]);
  run("ip", ["-n", config.fabricNetns, "-batch", "-"], {
    input: [
      "link set lo up",
      "link add br0 type bridge",
      "link set br0 up",
      `link add hub address ${MACS.hubFabricPort} type veth peer name eth0 address ${MACS.hubEth0} netns ${config.hubNetns}`,
      "link set hub master br0 up",
    ].join("\n"),
  });
  run("ip", ["-n", config.hubNetns, "-batch", "-"], { input: ["link set lo up", `addr add ${HUB_IP}/24 dev eth0`, "link set eth0 up"].join("\n") });
  return {
    fabric: { netns: config.fabricNetns, netnsId: nsInode(path.join(RUN_NETNS, config.fabricNetns)), bridge: "br0", subnet: FABRIC_SUBNET },
    hubNetnsId: nsInode(path.join(RUN_NETNS, config.hubNetns)),
    hubEth0: { name: "eth0", kind: "veth", mac: MACS.hubEth0, cidr: `${HUB_IP}/24`, peer: { netns: "fabric", name: "hub" } },
  };
}

/**
 * The headless Service: dnsmasq in the hub netns answering SERVICE_NAME with every node agent's address,
 * and /etc/netns/<hub>/{resolv.conf,nsswitch.conf} so that whatever `ip netns exec <hub>` runs asks it
 * (nsswitch: the host's may send `.local` names to mDNS and stop there).
 */
export async function dnsUp(config: ClusterConfig, agentIps: string[]): Promise<ClusterManifest["hub"]["dnsmasq"]> {
  writeHosts(config, agentIps);
  fs.mkdirSync(config.hubEtcDir, { recursive: true });
  fs.writeFileSync(path.join(config.hubEtcDir, "resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:2\n");
  // ip netns exec can only bind a file over one that exists; without /etc/nsswitch.conf glibc asks DNS anyway.
  if (fs.existsSync("/etc/nsswitch.conf")) {
    const nsswitch = fs
      .readFileSync("/etc/nsswitch.conf", "utf8")
      .split("\n")
      .filter((l) => l !== "" && !/^\s*hosts\s*:/.test(l));
    fs.writeFileSync(path.join(config.hubEtcDir, "nsswitch.conf"), [...nsswitch, "hosts: files dns", ""].join("\n"));
  }
  const log = path.join(config.stateDir, "logs", "dnsmasq.log");
  const pid = spawnDetached(
    "ip",
    [
      "netns",
      "exec",
      config.hubNetns,
      "dnsmasq",
      "--keep-in-foreground",
      "--conf-file=/dev/null",
      "--no-resolv",
      "--no-hosts",
      `--addn-hosts=${hostsFile(config)}`,
      "--listen-address=127.0.0.1",
      "--bind-interfaces",
      "--user=root",
      `--pid-file=${path.join(config.stateDir, "dnsmasq.pid")}`,
      "--log-facility=-",
    ],
    log,
  );
  // `ip netns exec` execs dnsmasq in place: the PID is dnsmasq's once it has.
  recordClusterProcess(config, { role: "dnsmasq", pid, command: "dnsmasq" });
  await poll("dnsmasq to start", 5000, () => {
    const cmd = cmdlineOf(pid);
    if (!isAlive(pid)) throw new Error(`dnsmasq exited: ${logTail(log)}`);
    return cmd?.startsWith("dnsmasq") === true && fs.existsSync(path.join(config.stateDir, "dnsmasq.pid")) ? true : undefined;
  });
  return { pid, hostsFile: hostsFile(config), listen: "127.0.0.1" };
}

function writeHosts(config: ClusterConfig, agentIps: string[]): void {
  fs.writeFileSync(hostsFile(config), agentIps.map((ip) => `${ip} ${SERVICE_NAME}\n`).join(""));
}

/** Rewrites the Service's addresses and has dnsmasq read them again (SIGHUP re-reads --addn-hosts). */
export function setServiceAddresses(config: ClusterConfig, dnsmasqPid: number, agentIps: string[]): void {
  writeHosts(config, agentIps);
  if (cmdlineOf(dnsmasqPid)?.startsWith("dnsmasq") === true) process.kill(dnsmasqPid, "SIGHUP");
}

/**
 * The hub gateway: a small forward proxy run by `ip netns exec <hub> node`, listening on a unix socket in
 * the state directory. Node cannot enter a netns itself; through the gateway a test in the host's netns
 * talks HTTP to the agents (and asks the hub's DNS) as a process in the hub netns would.
 */
export async function gatewayUp(config: ClusterConfig): Promise<ClusterManifest["hub"]["gateway"]> {
  const socket = gatewaySocket(config);
  fs.rmSync(socket, { force: true });
  const log = path.join(config.stateDir, "logs", "hub-gateway.log");
  const args = ["netns", "exec", config.hubNetns, process.execPath, "--import", "tsx", GATEWAY_SCRIPT, socket];
  const pid = spawnDetached("ip", args, log, { cwd: REPO });
  const command = [process.execPath, "--import", "tsx", GATEWAY_SCRIPT].join(" ");
  recordClusterProcess(config, { role: "hub-gateway", pid, command });
  await poll("the hub gateway to listen", 20_000, () => {
    if (!isAlive(pid)) throw new Error(`the hub gateway exited: ${logTail(log)}`);
    return fs.existsSync(socket) ? true : undefined;
  });
  if (!(await hubGatewayAnswers(socket))) throw new Error(`the hub gateway does not answer on ${socket}: ${logTail(log)}`);
  return { pid, socket };
}

/** Deletes the fabric and hub namespaces and the hub's /etc/netns files (each may already be gone). */
export function fabricAndHubDown(config: ClusterConfig): void {
  for (const ns of [config.hubNetns, config.fabricNetns]) if (fs.existsSync(path.join(RUN_NETNS, ns))) tryRun("ip", ["netns", "del", ns]);
  fs.rmSync(config.hubEtcDir, { recursive: true, force: true });
  // `ip netns add` made /run/netns a mount point: undo that only if the cluster did it and nothing else uses it.
  const state = readClusterState(config);
  if (state.runNetnsMountedByCluster && isMountPoint(RUN_NETNS) && fs.readdirSync(RUN_NETNS).length === 0) tryRun("umount", [RUN_NETNS]);
}
