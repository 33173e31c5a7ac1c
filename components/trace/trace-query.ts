import { queryOptions } from "@tanstack/react-query";
import { traceResultSchema, type TraceQuery } from "@/server/contract/trace";
import { fetchJson } from "../data/api-client";
import { onNode } from "../data/node-client";
import { traceApiPath } from "./trace-params";

/**
 * One trace: asked when the page shows it, again only on "Trace again" (a trace is a check made now, not a view that polls).
 * On a node page of the hub, the node's agent traces (GET /api/v1/n/<node>/trace).
 */
export function traceQuery(query: TraceQuery) {
  return queryOptions({
    queryKey: ["trace", query.from, query.to, query.proto ?? "", query.sport ?? 0, query.dport ?? 0] as const,
    queryFn: ({ signal, client }) => fetchJson(onNode(client, traceApiPath(query)), traceResultSchema, signal),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
}
