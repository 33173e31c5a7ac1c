import type { QueryClient } from "@tanstack/react-query";
import { nodeApiPath } from "../url/routes";

/**
 * A node page of the hub (`/n/<node>/…`) has its own QueryClient, bound here to the node: the single-node queries
 * (snapshot, namespace, pod, container) run against the hub's passthrough `/api/v1/n/<node>/…` instead of the
 * dashboard's own node, and their cache never mixes with another node's.
 */
const boundNodes = new WeakMap<QueryClient, string>();

export function bindClientToNode(client: QueryClient, node: string): void {
  boundNodes.set(client, node);
}

/** The node a client is bound to, if any. */
export function clientNode(client: QueryClient): string | undefined {
  return boundNodes.get(client);
}

/** `path` as the client's node serves it (the path itself for the dashboard's own node). */
export function onNode(client: QueryClient, path: string): string {
  const node = boundNodes.get(client);
  return node === undefined ? path : nodeApiPath(node, path);
}
