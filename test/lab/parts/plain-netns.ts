import fs from "node:fs";
import path from "node:path";
import { SUBNETS, type LabConfig } from "../lab-config";
import { readState, writeState } from "../lab-state";
import type { LabInterface, LabNetns } from "../manifest";
import { netnsInode, removeNsfsFile, startDetached, stopProcess } from "../processes";
import { run, tryRun } from "../sh";

export interface PlainPart {
  netns: LabNetns[];
  hostInterfaces: LabInterface[];
}

const HOLDER_ROLE = "netns-holder";
const RUN_NETNS = "/run/netns";

function isMountPoint(dir: string): boolean {
  return fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[4] === dir);
}

function ip(...args: string[]): void {
  run("ip", args);
}

/** Namespaces without any engine: ip netns on a bridge, a direct veth, vxlan, tun/tap, process-only, odd bind mount. */
export async function plainUp(config: LabConfig): Promise<PlainPart> {
  const p = config.prefix;
  const br = `${p}-br0`;
  const { v4, v6 } = SUBNETS.plainBridge;
  if (!isMountPoint(RUN_NETNS)) writeState(config, { ...readState(config), runNetnsMountedByLab: true });
  ip("link", "add", br, "type", "bridge");
  ip("addr", "add", `${v4}.1/24`, "dev", br);
  ip("-6", "addr", "add", `${v6}1/64`, "dev", br, "nodad");
  ip("link", "set", br, "up");

  const netns: LabNetns[] = [];
  const hostInterfaces: LabInterface[] = [{ name: br, kind: "bridge", addresses: [`${v4}.1/24`, `${v6}1/64`] }];

  // Two named namespaces on the bridge, each with eth0 (veth) carrying IPv4 and IPv6.
  for (const [letter, host] of [
    ["a", 2],
    ["b", 3],
  ] as const) {
    const name = `${p}-${letter}`;
    const hostEnd = `${p}-${letter}0`;
    ip("netns", "add", name);
    ip("link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", name);
    ip("link", "set", hostEnd, "master", br, "up");
    ip("-n", name, "addr", "add", `${v4}.${host}/24`, "dev", "eth0");
    ip("-n", name, "-6", "addr", "add", `${v6}${host}/64`, "dev", "eth0", "nodad");
    ip("-n", name, "link", "set", "eth0", "up");
    ip("-n", name, "link", "set", "lo", "up");
    hostInterfaces.push({ name: hostEnd, kind: "veth", addresses: [], peer: { netns: `ip-netns:${name}`, name: "eth0" } });
    netns.push({
      key: `ip-netns:${name}`,
      inode: netnsInode(`/run/netns/${name}`),
      owner: { kind: "ip-netns", name },
      paths: [`/run/netns/${name}`],
      pids: [],
      interfaces: [{ name: "eth0", kind: "veth", addresses: [`${v4}.${host}/24`, `${v6}${host}/64`], peer: { netns: "host", name: hostEnd, master: br } }],
    });
  }
  const [nsA, nsB] = netns;
  if (nsA === undefined || nsB === undefined) throw new Error("unreachable");

  // A vxlan in a, riding on its eth0, and a tun plus a tap in b.
  ip("-n", `${p}-a`, "link", "add", "vx42", "type", "vxlan", "id", "42", "remote", `${v4}.3`, "dstport", "4789", "dev", "eth0");
  ip("-n", `${p}-a`, "addr", "add", `${SUBNETS.vxlan}.1/24`, "dev", "vx42");
  ip("-n", `${p}-a`, "link", "set", "vx42", "up");
  nsA.interfaces.push({ name: "vx42", kind: "vxlan", addresses: [`${SUBNETS.vxlan}.1/24`], parent: "eth0", vxlanId: 42 });
  ip("-n", `${p}-b`, "tuntap", "add", "dev", "tun0", "mode", "tun");
  ip("-n", `${p}-b`, "tuntap", "add", "dev", "tap0", "mode", "tap");
  nsB.interfaces.push({ name: "tun0", kind: "tun", addresses: [] }, { name: "tap0", kind: "tap", addresses: [] });

  // c and d joined by one veth that never touches the host.
  const c = `${p}-c`;
  const d = `${p}-d`;
  ip("netns", "add", c);
  ip("netns", "add", d);
  ip("link", "add", "name", "to-d", "netns", c, "type", "veth", "peer", "name", "to-c", "netns", d);
  const dv4 = SUBNETS.direct.v4;
  const dv6 = SUBNETS.direct.v6;
  for (const [ns, dev, host] of [
    [c, "to-d", 1],
    [d, "to-c", 2],
  ] as const) {
    ip("-n", ns, "addr", "add", `${dv4}.${host}/30`, "dev", dev);
    ip("-n", ns, "-6", "addr", "add", `${dv6}${host}/64`, "dev", dev, "nodad");
    ip("-n", ns, "link", "set", dev, "up");
  }
  for (const [ns, dev, other, otherDev, host] of [
    [c, "to-d", d, "to-c", 1],
    [d, "to-c", c, "to-d", 2],
  ] as const) {
    netns.push({
      key: `ip-netns:${ns}`,
      inode: netnsInode(`/run/netns/${ns}`),
      owner: { kind: "ip-netns", name: ns },
      paths: [`/run/netns/${ns}`],
      pids: [],
      interfaces: [{ name: dev, kind: "veth", addresses: [`${dv4}.${host}/30`, `${dv6}${host}/64`], peer: { netns: `ip-netns:${other}`, name: otherDev } }],
    });
  }

  // Held only by a process: `unshare --net` execs sleep, so the PID we spawn is the holder.
  const holder = startDetached(config, `${HOLDER_ROLE}-process`, "unshare", ["--net", "sleep", "2147483647"], { runsAs: "sleep" });
  await waitForOwnNetns(holder.pid);
  const ph = `${p}-ph`;
  wireToHost(ph, holder.pid, SUBNETS.processOnly);
  hostInterfaces.push({ name: ph, kind: "veth", addresses: [`${SUBNETS.processOnly}.1/30`], peer: { netns: "process-only", name: "eth0" } });
  netns.push({
    key: "process-only",
    inode: netnsInode(`/proc/${holder.pid}/ns/net`),
    owner: { kind: "process", pid: holder.pid, command: "sleep 2147483647" },
    paths: [],
    pids: [holder.pid],
    interfaces: [{ name: "eth0", kind: "veth", addresses: [`${SUBNETS.processOnly}.2/30`], peer: { netns: "host", name: ph } }],
  });

  // Held only by a bind mount at a path no tool looks at; the process that made it is gone.
  const oddFile = oddMountPath(config);
  fs.mkdirSync(path.dirname(oddFile), { recursive: true });
  fs.writeFileSync(oddFile, "");
  const maker = startDetached(config, `${HOLDER_ROLE}-odd-maker`, "unshare", ["--net", "sleep", "2147483647"], { runsAs: "sleep" });
  await waitForOwnNetns(maker.pid);
  const oh = `${p}-oh`;
  wireToHost(oh, maker.pid, SUBNETS.oddMount);
  run("mount", ["--bind", `/proc/${maker.pid}/ns/net`, oddFile]);
  await stopProcess(maker);
  hostInterfaces.push({ name: oh, kind: "veth", addresses: [`${SUBNETS.oddMount}.1/30`], peer: { netns: "odd-mount", name: "eth0" } });
  netns.push({
    key: "odd-mount",
    inode: netnsInode(oddFile),
    owner: { kind: "bind-mount", path: oddFile },
    paths: [oddFile],
    pids: [],
    interfaces: [{ name: "eth0", kind: "veth", addresses: [`${SUBNETS.oddMount}.2/30`], peer: { netns: "host", name: oh } }],
  });

  return { netns, hostInterfaces };
}

function oddMountPath(config: LabConfig): string {
  return path.join(config.stateDir, "odd", "held-netns");
}

/** A veth from the host into the namespace of `pid`: host end `hostEnd` (.1/30), inside `eth0` (.2/30). */
function wireToHost(hostEnd: string, pid: number, subnet: string): void {
  ip("link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", String(pid));
  ip("addr", "add", `${subnet}.1/30`, "dev", hostEnd);
  ip("link", "set", hostEnd, "up");
  run("nsenter", [`--net=/proc/${pid}/ns/net`, "ip", "addr", "add", `${subnet}.2/30`, "dev", "eth0"]);
  run("nsenter", [`--net=/proc/${pid}/ns/net`, "ip", "link", "set", "eth0", "up"]);
}

/** `unshare` switches namespace right after it starts; wait until the PID no longer shares ours. */
async function waitForOwnNetns(pid: number): Promise<void> {
  const ours = fs.statSync("/proc/self/ns/net").ino;
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    try {
      if (fs.statSync(`/proc/${pid}/ns/net`).ino !== ours && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("sleep")) return;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} never entered its own network namespace`);
}

/** Removes everything plainUp can have made, whether or not plainUp finished. */
export async function plainDown(config: LabConfig): Promise<void> {
  const p = config.prefix;
  const state = readState(config);
  for (const proc of state.processes.filter((x) => x.role.startsWith(HOLDER_ROLE))) await stopProcess(proc);
  writeState(config, { ...state, processes: state.processes.filter((x) => !x.role.startsWith(HOLDER_ROLE)) });
  const oddFile = oddMountPath(config);
  removeNsfsFile(oddFile);
  fs.rmSync(path.dirname(oddFile), { recursive: true, force: true });
  for (const line of tryRun("ip", ["netns", "list"]).out.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    if (name.startsWith(`${p}-`)) tryRun("ip", ["netns", "del", name]);
  }
  // `ip netns add` turns /run/netns into a shared bind mount of itself; undo it once nothing else uses it.
  const after = readState(config);
  if (after.runNetnsMountedByLab && isMountPoint(RUN_NETNS) && fs.readdirSync(RUN_NETNS).length === 0) {
    tryRun("umount", [RUN_NETNS]);
    const { runNetnsMountedByLab: _undone, ...rest } = after;
    writeState(config, rest);
  }
}
