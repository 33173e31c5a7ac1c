/**
 * The path trace as the agent's faces use it (dal.ts, the node agent, the CLI): the agent's snapshot
 * for the wiring, and its reader worker to ask the kernel inside each namespace on the way.
 */
import { describeFailure } from "../collect/describe-failure";
import { MalformedNetlinkError, NetlinkError } from "../collect/netlink-parser";
import { decodeNsidAnswer } from "../collect/rtnl-decode";
import type { NetnsReader } from "../collect/netns-reader";
import type { Snapshot } from "../contract/snapshot";
import type { TraceQuery, TraceResult } from "../contract/trace";
import { netnsPath } from "./netns-path";
import { createTraceKernel } from "./trace-kernel";
import { TraceReadError, tracePath, type TraceOptions } from "./trace-path";

/** What a trace needs from the agent core (createAgent's Agent gives it). */
export interface TraceAgent {
  snapshot(): Promise<Snapshot>;
  readonly service: { readonly reader: Pick<NetnsReader, "routeGet" | "askIds"> };
}

/** What the trace handler calls: the result, or undefined when `from` is no namespace of the node now. */
export interface TraceSource {
  trace(query: TraceQuery): Promise<TraceResult | undefined>;
}

export function traceSource(agent: TraceAgent, options: TraceOptions = {}): TraceSource {
  return {
    async trace(query) {
      const snapshot = await agent.snapshot();
      if (!snapshot.netns.some((n) => n.id === query.from)) return undefined;
      const byId = new Map(snapshot.netns.map((n) => [n.id, n]));
      const paths = new Map<string, string | undefined>();
      const pathOf = (netnsId: string): string | undefined => {
        if (!paths.has(netnsId)) {
          const netns = byId.get(netnsId);
          paths.set(netnsId, netns === undefined ? undefined : netnsPath(netns));
        }
        return paths.get(netnsId);
      };
      const kernel = createTraceKernel(
        async (netnsId, requests) => {
          const path = pathOf(netnsId);
          if (path === undefined) throw new TraceReadError(`namespace ${netnsId} is gone, or held only where nsatlas cannot open it`);
          const result = await agent.service.reader.routeGet({ id: netnsId, path }, requests);
          if (!result.ok) throw new TraceReadError(describeFailure(result.stage, result.errno));
          return result.answers;
        },
        async (netnsId, candidates) => {
          const path = pathOf(netnsId);
          if (path === undefined) throw new TraceReadError(`namespace ${netnsId} is gone, or held only where nsatlas cannot open it`);
          const reachable = candidates.flatMap((id) => {
            const p = pathOf(id);
            return p === undefined ? [] : [{ id, path: p }];
          });
          const [asked] = await agent.service.reader.askIds([{ id: netnsId, path, candidates: reachable }]);
          const out = new Map<string, number>();
          if (asked === undefined || !asked.ok) return out;
          for (const { id, answer } of asked.answers) {
            try {
              out.set(id, decodeNsidAnswer(answer, `netns ${netnsId} nsid of ${id}`));
            } catch (err) {
              if (!(err instanceof NetlinkError || err instanceof MalformedNetlinkError)) throw err;
            }
          }
          return out;
        },
      );
      return tracePath(query, snapshot, kernel, options);
    },
  };
}
