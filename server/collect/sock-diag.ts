import fs from "node:fs";
import type { Listener } from "../contract/snapshot";
import { hasErrnoCode, logUnexpected, WALK_EXPECTED } from "../log/failures";
import { forEachFd } from "../proc-fds";
import { formatIp } from "./ip-format";
import { AF, INET_DIAG_MSG_LEN, INET_DIAG_REQ_V2_LEN, NLM_F, NLMSGHDR_LEN, SOCK_DIAG_BY_FAMILY } from "./netlink-constants";
import { MalformedNetlinkError, splitMessages } from "./netlink-parser";

/** TCP states (netinet/tcp.h) and IP protocol numbers, as inet_diag requests name them. */
const TCP_LISTEN = 10;
/** An unconnected UDP socket (what `ss -ul` lists) is in state TCP_CLOSE. */
const TCP_CLOSE = 7;
const PROTOCOLS = { tcp: { number: 6, states: 1 << TCP_LISTEN }, udp: { number: 17, states: 1 << TCP_CLOSE } } as const;
const FAMILIES = { inet: AF.INET, inet6: AF.INET6 } as const;

type Protocol = keyof typeof PROTOCOLS;
type Family = keyof typeof FAMILIES;
const QUERIES: Array<[Protocol, Family]> = [
  ["tcp", "inet"],
  ["tcp", "inet6"],
  ["udp", "inet"],
  ["udp", "inet6"],
];

/** The four inet_diag dumps: TCP listeners and unconnected UDP sockets, both families. */
export function listenerRequests(): Buffer[] {
  return QUERIES.map(([protocol, family]) => {
    const len = NLMSGHDR_LEN + INET_DIAG_REQ_V2_LEN;
    const buf = Buffer.alloc(len);
    buf.writeUInt32LE(len, 0);
    buf.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
    buf.writeUInt16LE(NLM_F.REQUEST | NLM_F.DUMP, 6);
    buf.writeUInt8(FAMILIES[family], NLMSGHDR_LEN);
    buf.writeUInt8(PROTOCOLS[protocol].number, NLMSGHDR_LEN + 1);
    buf.writeUInt32LE(PROTOCOLS[protocol].states, NLMSGHDR_LEN + 4);
    return buf;
  });
}

export interface RawListener {
  protocol: Protocol;
  family: Family;
  address: string;
  port: number;
  socketInode: number;
}

/** Decodes the answers to listenerRequests(), in the same order. */
export function decodeListeners(answers: Buffer[], where: string): RawListener[] {
  const out: RawListener[] = [];
  answers.forEach((answer, i) => {
    const query = QUERIES[i];
    if (query === undefined) return;
    const [protocol, family] = query;
    for (const msg of splitMessages(answer, `${where} ${protocol}/${family}`)) {
      if (msg.type !== SOCK_DIAG_BY_FAMILY) continue;
      if (msg.body.length < INET_DIAG_MSG_LEN) throw new MalformedNetlinkError(`${where}: inet_diag_msg of ${msg.body.length} bytes`);
      const src = msg.body.subarray(8, family === "inet" ? 12 : 24);
      out.push({ protocol, family, address: formatIp(src) ?? "?", port: msg.body.readUInt16BE(4), socketInode: msg.body.readUInt32LE(68) });
    }
  });
  return out;
}

/**
 * Which of `pids` hold which socket inodes, with their command names: one readdir + readlink per
 * fd of the processes in that namespace only.
 */
export function socketOwners(pids: number[], inodes: Set<number>, proc = "/proc"): Map<number, Array<{ pid: number; command: string }>> {
  const owners = new Map<number, Array<{ pid: number; command: string }>>();
  if (inodes.size === 0) return owners;
  for (const pid of pids) {
    let command: string | undefined;
    forEachFd(pid, proc, (_fd, target) => {
      if (!target.startsWith("socket:[")) return;
      const inode = Number(target.slice(8, -1));
      if (!inodes.has(inode)) return;
      command ??= readComm(pid, proc);
      const list = owners.get(inode) ?? [];
      if (!list.some((o) => o.pid === pid)) list.push({ pid, command });
      owners.set(inode, list);
    });
  }
  return owners;
}

function readComm(pid: number, proc: string): string {
  try {
    return fs.readFileSync(`${proc}/${pid}/comm`, "utf8").trim();
  } catch (err) {
    // The process exited since its fds were read (ENOENT/ESRCH), or is not ours: its name is unknown, quietly.
    if (!hasErrnoCode(err, WALK_EXPECTED)) logUnexpected("reading a process's command name", err, { targetPid: pid });
    return "?";
  }
}

export function toListeners(raw: RawListener[], owners: Map<number, Array<{ pid: number; command: string }>>): Listener[] {
  return raw
    .map((l) => ({ protocol: l.protocol, family: l.family, address: l.address, port: l.port, processes: owners.get(l.socketInode) ?? [] }))
    .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.address.localeCompare(b.address));
}
