"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { createContext, useContext, useMemo, useState, type ReactNode } from "react";
import { bindClientToNode } from "../data/node-client";
import { parseLiveParams } from "../url/search-params";

/**
 * What a node page can do when it is read through the hub (`/n/<node>/…`). Path traces and packet captures go
 * through the hub to the node's agent (capture still only where that agent has it on); what only exists on a
 * single-node dashboard is off: the history (freeze, import, the time slider), diffs, exposing to ip netns, the
 * live change stream (the pages poll). In a frozen cluster snapshot (`?at=`) trace and capture are off too. A
 * component that offers one of these reads `useNodeScope()?.capabilities` and hides itself when it is false.
 */
export interface NodeCapabilities {
  history: boolean;
  diff: boolean;
  expose: boolean;
  events: boolean;
  trace: boolean;
  capture: boolean;
}

export const HUB_NODE_CAPABILITIES: NodeCapabilities = { history: false, diff: false, expose: false, events: false, trace: true, capture: true };

export interface NodeScopeValue {
  /** The node's name, decoded (as its agent reports it). */
  node: string;
  /** The frozen cluster snapshot shown (`?at=`), or undefined when live. */
  at: string | undefined;
  capabilities: NodeCapabilities;
}

/** A frozen cluster snapshot is a record: what acts on the node now (a trace, a capture) is off. */
function frozen(capabilities: NodeCapabilities): NodeCapabilities {
  return { ...capabilities, trace: false, capture: false };
}

const NodeScopeContext = createContext<NodeScopeValue | undefined>(undefined);

/**
 * The frame of every `/n/<node>/…` page: the node for the href builders (useHrefs keeps links under `/n/<node>/`)
 * and a QueryClient of its own bound to the node (components/data/node-client.ts), so the same views and queries
 * as on a single-node dashboard read the hub's passthrough API. Give it `key={node}`: another node, another cache.
 * With `?at=<cluster snapshot id>` the same queries read the node's snapshot in it (their keys carry `at`).
 */
export function NodeScope({ node, capabilities = HUB_NODE_CAPABILITIES, children }: { node: string; capabilities?: NodeCapabilities; children: ReactNode }) {
  const [client] = useState(() => {
    const created = new QueryClient({ defaultOptions: { queries: { staleTime: 2_000, retry: false } } });
    bindClientToNode(created, node);
    return created;
  });
  const at = parseLiveParams(new URLSearchParams(useSearchParams().toString())).at;
  const value = useMemo<NodeScopeValue>(() => ({ node, at, capabilities: at === undefined ? capabilities : frozen(capabilities) }), [node, at, capabilities]);
  return (
    <NodeScopeContext.Provider value={value}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </NodeScopeContext.Provider>
  );
}

/** The node whose page this is (through the hub), or undefined on a single-node dashboard's own pages. */
export function useNodeScope(): NodeScopeValue | undefined {
  return useContext(NodeScopeContext);
}
