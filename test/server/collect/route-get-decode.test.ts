/**
 * The decoders of a path trace's answers (route-get-decode.ts) on answers recorded from this kernel
 * (test/server/trace/fixtures/route-get-answers.json), checked against iproute2's reading of the same
 * question, recorded alongside; and the refusals that are answers (no route, blackhole, ...).
 */
import { describe, expect, it } from "vitest";
import { MalformedNetlinkError, NetlinkError } from "../../../server/collect/netlink-parser";
import {
  bridgeEntries,
  decodeFdbDump,
  decodeLinkAnswer,
  decodeNeighbourAnswer,
  decodeNetconfAnswer,
  decodeRouteGetAnswer,
  isLocalFdbEntry,
  isUnresolved,
  neighbourStateNames,
} from "../../../server/collect/route-get-decode";
import { ROUTE_ERRNO } from "../../../server/collect/route-get-constants";
import { ifindexesOf, provenance, recorded } from "../trace/route-get-fixtures";

/** iproute2's JSON for a route: the fields both sides name. */
interface IpRoute {
  type: string;
  dst: string;
  gateway?: string;
  dev: string;
  prefsrc?: string;
  table: string;
  metrics?: Array<{ mtu?: number }>;
}
const ipRoute = (name: string): IpRoute => {
  const truth = recorded(name).iproute2;
  if (!Array.isArray(truth)) throw new Error(`${name}: iproute2 gave no route`);
  return truth[0] as IpRoute;
};
const TABLE_NUMBER: Record<string, number> = { main: 254, local: 255 };

describe(`route answers recorded on ${provenance.kernel}`, () => {
  it.each(["route-unicast", "route-fibmatch", "route-gateway-mtu", "route-local-iif", "route-inet6"])("%s reads as iproute2 reads it", (name) => {
    const r = recorded(name);
    const answer = decodeRouteGetAnswer(r.answer, name);
    if (!answer.ok) throw new Error(`${name}: refused with ${answer.errno}`);
    const truth = ipRoute(name);
    const names = ifindexesOf(r.netns);
    expect(answer.route.type).toBe(truth.type);
    expect(answer.route.destination).toBe(truth.dst);
    expect(answer.route.gateway).toBe(truth.gateway);
    expect(answer.route.outIfindex).toBe(names[truth.dev]);
    expect(answer.route.preferredSource).toBe(truth.prefsrc);
    expect(answer.route.table).toBe(TABLE_NUMBER[truth.table]);
    expect(answer.route.mtu).toBe(truth.metrics?.[0]?.mtu);
  });

  it("names the matched prefix on a FIB match, the address itself on a lookup", () => {
    const lookup = decodeRouteGetAnswer(recorded("route-unicast").answer, "lookup");
    const fib = decodeRouteGetAnswer(recorded("route-fibmatch").answer, "fib");
    expect(lookup.ok && lookup.route.destination).toBe("10.197.0.2");
    expect(fib.ok && fib.route).toMatchObject({ destination: "10.197.0.0/24", protocol: "kernel", scope: "link" });
  });

  it("reads an input lookup's interface and its local verdict", () => {
    const local = decodeRouteGetAnswer(recorded("route-local-iif").answer, "local");
    expect(local).toMatchObject({ ok: true, route: { type: "local", inIfindex: ifindexesOf("t19tr-fx-c").c0, source: "10.197.0.1", isRedirect: false } });
  });

  it.each([
    ["route-blackhole", ROUTE_ERRNO.EINVAL, "Invalid argument"],
    ["route-unreachable", ROUTE_ERRNO.EHOSTUNREACH, "No route to host"],
    ["route-prohibit", ROUTE_ERRNO.EACCES, "Permission denied"],
    ["route-none", ROUTE_ERRNO.ENETUNREACH, "Network is unreachable"],
    ["route-no-forward-iif", ROUTE_ERRNO.EHOSTUNREACH, "No route to host"],
  ])("%s is a refusal with errno %i, as iproute2 says: %s", (name, errno, words) => {
    expect(decodeRouteGetAnswer(recorded(name).answer, name)).toEqual({ ok: false, errno });
    expect(recorded(name).iproute2).toEqual({ error: `RTNETLINK answers: ${words}` });
  });

  it("throws on bytes that are not an answer", () => {
    const truncated = recorded("route-unicast").answer.subarray(0, 20);
    expect(() => decodeRouteGetAnswer(truncated, "truncated")).toThrow(MalformedNetlinkError);
    // A well-formed answer of another kind (a link) is not a route.
    expect(() => decodeRouteGetAnswer(recorded("link-port").answer, "link")).toThrow(MalformedNetlinkError);
  });
});

describe("neighbour, netconf, FDB and link answers", () => {
  const text = (name: string) => (recorded(name).iproute2 as { text: string }).text;

  it("a reachable neighbour, with its MAC", () => {
    const entry = decodeNeighbourAnswer(recorded("neigh-reachable").answer, "reachable");
    const [, mac, state] = /lladdr (\S+) (\S+)$/.exec(text("neigh-reachable")) ?? [];
    expect(entry).toMatchObject({ family: "inet", address: "10.197.0.2", mac, ifindex: ifindexesOf("t19tr-fx-a").a0 });
    expect(entry?.stateNames).toEqual([state]);
    expect(entry && isUnresolved(entry)).toBe(false);
  });

  it("a neighbour that never answered", () => {
    const entry = decodeNeighbourAnswer(recorded("neigh-failed").answer, "failed");
    expect(text("neigh-failed")).toMatch(/ (FAILED|INCOMPLETE)$/);
    expect(entry?.stateNames.join()).toBe(/ (\S+)$/.exec(text("neigh-failed"))?.[1]);
    expect(entry?.mac).toBeUndefined();
    expect(entry && isUnresolved(entry)).toBe(true);
  });

  it("no entry at all is undefined, not an error", () => {
    expect(recorded("neigh-missing").iproute2).toEqual({ error: "Error: Neighbour entry not found." });
    expect(decodeNeighbourAnswer(recorded("neigh-missing").answer, "missing")).toBeUndefined();
  });

  it("an interface that does not forward", () => {
    const truth = recorded("netconf-no-forward").iproute2 as Array<{ family: string; forwarding: boolean; rp_filter: string }>;
    const conf = decodeNetconfAnswer(recorded("netconf-no-forward").answer, "netconf");
    expect(conf).toEqual({ ifindex: ifindexesOf("t19tr-fx-c").c0, isForwarding: truth[0]?.forwarding, rpFilter: 0, ignoresRoutesWithLinkdown: false });
  });

  it("the bridge's FDB, entry for entry as `bridge fdb show br br0`", () => {
    const names = ifindexesOf("t19tr-fx-b");
    const truth = recorded("fdb").iproute2 as Array<{ mac: string; ifname: string; master?: string; state: string; flags: string[] }>;
    const entries = decodeFdbDump(recorded("fdb").answer, "fdb");
    expect(entries.map((e) => `${e.mac} ${e.ifindex}`)).toEqual(truth.map((t) => `${t.mac} ${names[t.ifname]}`));
    const bridge = names.br0 ?? 0;
    const own = bridgeEntries(entries, bridge);
    expect(own.map((e) => e.mac)).toEqual(truth.filter((t) => t.master === "br0").map((t) => t.mac));
    // Permanent ones are the bridge's own addresses (a port's MAC); learned ones lead out a port.
    expect(own.map((e) => isLocalFdbEntry(e))).toEqual(truth.filter((t) => t.master === "br0").map((t) => t.state === "permanent"));
  });

  it("one interface, and one that is not there", () => {
    const truth = (recorded("link-port").iproute2 as Array<{ ifname: string; mtu: number; operstate: string; ifindex: number }>)[0];
    const link = decodeLinkAnswer(recorded("link-port").answer, "link");
    expect(link).toMatchObject({
      name: truth?.ifname,
      mtu: truth?.mtu,
      operState: truth?.operstate.toLowerCase(),
      ifindex: truth?.ifindex,
      kind: "veth",
      isUp: true,
    });
    expect(link?.masterIfindex).toBe(ifindexesOf("t19tr-fx-b").br0);
    expect(decodeLinkAnswer(recorded("link-missing").answer, "missing")).toBeUndefined();
  });

  it("other refusals are errors", () => {
    // A question refused for another reason than "no such entry": a hand-made NLMSG_ERROR carrying EINVAL.
    const refusal = Buffer.alloc(36);
    refusal.writeUInt32LE(36, 0);
    refusal.writeUInt16LE(2, 4); // NLMSG_ERROR
    refusal.writeInt32LE(-ROUTE_ERRNO.EINVAL, 16);
    expect(() => decodeNeighbourAnswer(refusal, "refused")).toThrow(NetlinkError);
    expect(() => decodeNetconfAnswer(refusal, "refused")).toThrow(NetlinkError);
    expect(() => decodeLinkAnswer(refusal, "refused")).toThrow(NetlinkError);
  });

  it("names neighbour states as ip neigh does", () => {
    expect(neighbourStateNames(0)).toEqual(["NONE"]);
    expect(neighbourStateNames(0x02)).toEqual(["REACHABLE"]);
    expect(neighbourStateNames(0x20)).toEqual(["FAILED"]);
    expect(neighbourStateNames(0x80)).toEqual(["PERMANENT"]);
  });
});
