/**
 * The questions a path trace asks the kernel inside one namespace, each one round trip to the reader
 * worker (NetnsReader.routeGet): the requests come from collect/netlink-requests.ts, the answers are
 * decoded by collect/route-get-decode.ts. trace-path.ts sees only this interface, so it can be tested
 * against recorded or made-up answers.
 */
import {
  linkGetRequest,
  fdbDumpRequest,
  neighbourGetRequest,
  netconfGetRequest,
  routeGetRequest,
  type IpFamily,
  type RouteGetQuery,
} from "../collect/netlink-requests";
import {
  decodeFdbDump,
  decodeLinkAnswer,
  decodeNeighbourAnswer,
  decodeNetconfAnswer,
  decodeRouteGetAnswer,
  type NeighbourEntry,
  type RouteGetAnswer,
  type RouteGetRoute,
} from "../collect/route-get-decode";
import type { RawLink } from "../collect/rtnl-decode";
import { NetlinkError } from "../collect/netlink-parser";

/** What one namespace's routing says about the flow. */
export interface HopLookup {
  /** The route the packet takes (`ip route get`), or the errno the kernel refused it with. */
  route: RouteGetAnswer;
  /** The FIB entry that matched (`ip route get ... fibmatch`): the prefix to show; undefined when refused. */
  fibMatch?: RouteGetRoute;
  /** Whether the interface the packet came in by forwards (RTM_GETNETCONF); undefined on the first hop or when unknown. */
  isInForwarding?: boolean;
  /**
   * With an input interface: the same destination looked up as sent from this namespace. A lookup refused
   * with EINVAL is a blackhole when this one is too; when this one finds a route, the input side refused the
   * packet's source (a martian source).
   */
  asSent?: RouteGetAnswer;
}

export interface TraceKernel {
  lookup(netnsId: string, query: RouteGetQuery): Promise<HopLookup>;
  /** One interface as the kernel has it now (state, MTU), or undefined when it is gone. */
  link(netnsId: string, ifindex: number): Promise<RawLink | undefined>;
  /** The neighbour entry for `address` on interface `ifindex`, or undefined when there is none. */
  neighbour(netnsId: string, family: IpFamily, ifindex: number, address: string): Promise<NeighbourEntry | undefined>;
  /** Every bridge FDB entry of the namespace. */
  fdb(netnsId: string): Promise<NeighbourEntry[]>;
  /** The namespace's own id (nsid) for each candidate namespace (-1: none): which one a veth's IFLA_LINK_NETNSID means. */
  nsids(netnsId: string, candidates: string[]): Promise<Map<string, number>>;
}

/** Sends requests inside a namespace and returns the raw answers in order; throws when the namespace cannot be entered. */
export type AskNamespace = (netnsId: string, requests: Buffer[]) => Promise<Buffer[]>;
/** Asks a namespace for its nsid of each candidate namespace (RTM_GETNSID by fd, NetnsReader.askIds); candidates it cannot open are left out. */
export type AskNsids = (netnsId: string, candidates: string[]) => Promise<Map<string, number>>;

function answerAt(answers: Buffer[], i: number, netnsId: string): Buffer {
  const answer = answers[i];
  if (answer === undefined) throw new Error(`netns ${netnsId}: the reader returned ${answers.length} answers, expected more than ${i}`);
  return answer;
}

export function createTraceKernel(ask: AskNamespace, askNsids: AskNsids): TraceKernel {
  return {
    async lookup(netnsId, query) {
      const hasIif = query.iifIndex !== undefined;
      const requests = [routeGetRequest(query), routeGetRequest({ ...query, fibMatch: true })];
      if (hasIif) {
        requests.push(netconfGetRequest(query.family, query.iifIndex ?? 0));
        requests.push(routeGetRequest({ family: query.family, destination: query.destination, fibMatch: true }));
      }
      const answers = await ask(netnsId, requests);
      const where = `netns ${netnsId} route to ${query.destination}`;
      const route = decodeRouteGetAnswer(answerAt(answers, 0, netnsId), where);
      const fib = decodeRouteGetAnswer(answerAt(answers, 1, netnsId), `${where} (fibmatch)`);
      const out: HopLookup = { route, ...(fib.ok ? { fibMatch: fib.route } : {}) };
      if (!hasIif) return out;
      try {
        const conf = decodeNetconfAnswer(answerAt(answers, 2, netnsId), `${where} netconf`);
        if (conf.isForwarding !== undefined) out.isInForwarding = conf.isForwarding;
      } catch (err) {
        // An interface gone meanwhile, or a kernel without per-device netconf: forwarding stays unknown.
        if (!(err instanceof NetlinkError)) throw err;
      }
      out.asSent = decodeRouteGetAnswer(answerAt(answers, 3, netnsId), `${where} (as sent)`);
      return out;
    },
    async link(netnsId, ifindex) {
      const answers = await ask(netnsId, [linkGetRequest(ifindex)]);
      return decodeLinkAnswer(answerAt(answers, 0, netnsId), `netns ${netnsId} link ${ifindex}`);
    },
    async neighbour(netnsId, family, ifindex, address) {
      const answers = await ask(netnsId, [neighbourGetRequest(family, ifindex, address)]);
      return decodeNeighbourAnswer(answerAt(answers, 0, netnsId), `netns ${netnsId} neighbour ${address}`);
    },
    async fdb(netnsId) {
      const answers = await ask(netnsId, [fdbDumpRequest()]);
      return decodeFdbDump(answerAt(answers, 0, netnsId), `netns ${netnsId} fdb`);
    },
    nsids: askNsids,
  };
}
