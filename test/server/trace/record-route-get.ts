/**
 * Records the kernel's answers to a path trace's questions (route, neighbour, netconf, FDB, link) into
 * test/server/trace/fixtures/route-get-answers.json, each with iproute2's own reading of the same
 * question as the oracle the decoder tests compare with. Builds its own namespaces (prefix t19tr-fx),
 * removes them even on failure. Run as root: `npx tsx test/server/trace/record-route-get.ts`.
 *
 *   t19tr-fx-a  a0 10.197.0.1/24 fd97::1/64 ─── b0 ┐
 *                                                   br0 in t19tr-fx-b
 *   t19tr-fx-c  c0 10.197.0.2/24 fd97::2/64 ─── b1 ┘   (c does not forward)
 *   a: blackhole 10.198.1/24, unreachable 10.198.2/24, prohibit 10.198.3/24, 10.198.4/24 via c mtu 1400, 10.198.5/24 via 10.197.0.99 (nobody)
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NetnsReader } from "../../../server/collect/netns-reader";
import { fdbDumpRequest, linkGetRequest, neighbourGetRequest, netconfGetRequest, routeGetRequest } from "../../../server/collect/netlink-requests";
import { IPPROTO } from "../../../server/collect/route-get-constants";

const OUT = path.join(import.meta.dirname, "fixtures", "route-get-answers.json");
const [A, B, C] = ["t19tr-fx-a", "t19tr-fx-b", "t19tr-fx-c"] as const;

function sh(cmd: string, args: string[], okToFail = false): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
  if (!okToFail && r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const ip = (...args: string[]) => sh("ip", args).stdout;
/** iproute2's answer to the same question: its JSON, its text (some commands ignore -j), or its error line. */
function oracle(args: string[]): unknown {
  const r = sh("ip", args, true);
  if (r.status !== 0) return { error: r.stderr.trim() };
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { text: r.stdout.trim() };
  }
}
function ifindexes(ns: string): Record<string, number> {
  const links = JSON.parse(ip("-n", ns, "-j", "link", "show")) as Array<{ ifindex: number; ifname: string }>;
  return Object.fromEntries(links.map((l) => [l.ifname, l.ifindex]));
}

function build(): void {
  for (const ns of [A, B, C]) {
    ip("netns", "add", ns);
    ip("-n", ns, "link", "set", "lo", "up");
    sh("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=0"]);
  }
  ip("-n", B, "link", "add", "br0", "type", "bridge");
  ip("-n", B, "link", "set", "br0", "addrgenmode", "none");
  ip("-n", B, "link", "set", "br0", "up");
  for (const [ns, name, port, v4, v6] of [
    [A, "a0", "b0", "10.197.0.1/24", "fd97::1/64"],
    [C, "c0", "b1", "10.197.0.2/24", "fd97::2/64"],
  ] as const) {
    ip("-n", B, "link", "add", port, "type", "veth", "peer", "name", name, "netns", ns);
    ip("-n", B, "link", "set", port, "addrgenmode", "none");
    ip("-n", B, "link", "set", port, "master", "br0", "up");
    ip("-n", ns, "link", "set", name, "addrgenmode", "none");
    ip("-n", ns, "addr", "add", v4, "dev", name);
    ip("-n", ns, "-6", "addr", "add", v6, "dev", name, "nodad");
    ip("-n", ns, "link", "set", name, "up");
  }
  ip("-n", A, "route", "add", "blackhole", "10.198.1.0/24");
  ip("-n", A, "route", "add", "unreachable", "10.198.2.0/24");
  ip("-n", A, "route", "add", "prohibit", "10.198.3.0/24");
  ip("-n", A, "route", "add", "10.198.4.0/24", "via", "10.197.0.2", "mtu", "1400");
  ip("-n", A, "route", "add", "10.198.5.0/24", "via", "10.197.0.99");
}

function teardown(): void {
  for (const ns of [A, B, C]) sh("ip", ["netns", "del", ns], true);
}

async function main(): Promise<void> {
  teardown();
  const reader = new NetnsReader();
  try {
    build();
    // A reachable neighbour, and one that never answers (ARP gives up after 3 probes, ~3 s).
    sh("ip", ["netns", "exec", A, "busybox", "ping", "-c1", "-W1", "10.197.0.2"]);
    sh("ip", ["netns", "exec", A, "busybox", "ping", "-c1", "-W1", "10.198.5.1"], true);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const idx = { [A]: ifindexes(A), [B]: ifindexes(B), [C]: ifindexes(C) };
    const a0 = idx[A].a0 ?? 0;
    const c0 = idx[C].c0 ?? 0;
    const b0 = idx[B].b0 ?? 0;
    const cases: Array<{ name: string; ns: string; request: Buffer; iproute2: string[] }> = [
      {
        name: "route-unicast",
        ns: A,
        request: routeGetRequest({ family: "inet", destination: "10.197.0.2", protocol: IPPROTO.TCP, destinationPort: 443 }),
        iproute2: ["route", "get", "10.197.0.2", "ipproto", "tcp", "dport", "443"],
      },
      {
        name: "route-fibmatch",
        ns: A,
        request: routeGetRequest({ family: "inet", destination: "10.197.0.2", fibMatch: true }),
        iproute2: ["route", "get", "10.197.0.2", "fibmatch"],
      },
      { name: "route-gateway-mtu", ns: A, request: routeGetRequest({ family: "inet", destination: "10.198.4.1" }), iproute2: ["route", "get", "10.198.4.1"] },
      { name: "route-blackhole", ns: A, request: routeGetRequest({ family: "inet", destination: "10.198.1.1" }), iproute2: ["route", "get", "10.198.1.1"] },
      { name: "route-unreachable", ns: A, request: routeGetRequest({ family: "inet", destination: "10.198.2.1" }), iproute2: ["route", "get", "10.198.2.1"] },
      { name: "route-prohibit", ns: A, request: routeGetRequest({ family: "inet", destination: "10.198.3.1" }), iproute2: ["route", "get", "10.198.3.1"] },
      { name: "route-none", ns: A, request: routeGetRequest({ family: "inet", destination: "10.199.0.1" }), iproute2: ["route", "get", "10.199.0.1"] },
      {
        name: "route-local-iif",
        ns: C,
        request: routeGetRequest({ family: "inet", destination: "10.197.0.2", source: "10.197.0.1", iifIndex: c0 }),
        iproute2: ["route", "get", "10.197.0.2", "from", "10.197.0.1", "iif", "c0"],
      },
      {
        name: "route-no-forward-iif",
        ns: C,
        request: routeGetRequest({ family: "inet", destination: "10.198.9.9", source: "10.197.0.1", iifIndex: c0 }),
        iproute2: ["route", "get", "10.198.9.9", "from", "10.197.0.1", "iif", "c0"],
      },
      { name: "route-inet6", ns: A, request: routeGetRequest({ family: "inet6", destination: "fd97::2" }), iproute2: ["-6", "route", "get", "fd97::2"] },
      { name: "neigh-reachable", ns: A, request: neighbourGetRequest("inet", a0, "10.197.0.2"), iproute2: ["neigh", "get", "10.197.0.2", "dev", "a0"] },
      { name: "neigh-failed", ns: A, request: neighbourGetRequest("inet", a0, "10.197.0.99"), iproute2: ["neigh", "get", "10.197.0.99", "dev", "a0"] },
      { name: "neigh-missing", ns: A, request: neighbourGetRequest("inet", a0, "10.197.0.77"), iproute2: ["neigh", "get", "10.197.0.77", "dev", "a0"] },
      { name: "netconf-no-forward", ns: C, request: netconfGetRequest("inet", c0), iproute2: ["netconf", "show", "dev", "c0"] },
      { name: "fdb", ns: B, request: fdbDumpRequest(), iproute2: [] },
      { name: "link-port", ns: B, request: linkGetRequest(b0), iproute2: ["link", "show", "dev", "b0"] },
      { name: "link-missing", ns: B, request: linkGetRequest(999), iproute2: ["link", "show", "dev", "if999"] },
    ];
    const recorded: Record<string, { netns: string; request: string; answer: string; iproute2: unknown }> = {};
    for (const c of cases) {
      const result = await reader.routeGet({ id: c.ns, path: `/run/netns/${c.ns}` }, [c.request]);
      if (!result.ok) throw new Error(`${c.name}: ${result.stage} errno ${result.errno}`);
      const answer = result.answers[0];
      if (answer === undefined) throw new Error(`${c.name}: no answer`);
      const truth =
        c.name === "fdb" ? JSON.parse(sh("bridge", ["-n", B, "-j", "fdb", "show", "br", "br0"]).stdout) : oracle(["-n", c.ns, "-j", "-d", ...c.iproute2]);
      recorded[c.name] = { netns: c.ns, request: c.request.toString("hex"), answer: answer.toString("hex"), iproute2: truth };
    }
    const out = {
      provenance: {
        recordedAt: new Date().toISOString(),
        kernel: os.release(),
        iproute2: sh("ip", ["-V"]).stdout.trim(),
        by: "test/server/trace/record-route-get.ts (NetnsReader.routeGet; iproute2's JSON for the same question as the oracle)",
      },
      ifindexes: idx,
      cases: recorded,
    };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${OUT}: ${Object.keys(recorded).length} answers`);
  } finally {
    reader.close();
    teardown();
  }
}

await main();
