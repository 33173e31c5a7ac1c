import { queryOptions } from "@tanstack/react-query";
import { diffSchema } from "@/server/contract/diff";
import { exposuresSchema } from "@/server/contract/expose";
import { healthSchema } from "@/server/contract/health";
import { historySchema } from "@/server/contract/history";
import { lookupSchema } from "@/server/contract/lookups";
import { netnsSchema, snapshotOverviewSchema } from "@/server/contract/snapshot";
import { changeStreamState, FOLLOWS_CHANGES } from "../live/change-stream-state";
import { clusterNodesSchema, clusterSearchSchema, clusterSnapshotListSchema, clusterSnapshotSchema, clusterTopologySchema } from "@/server/contract/cluster";
import { apiPaths } from "../url/routes";
import type { LiveParams } from "../url/search-params";
import { fetchJson } from "./api-client";
import { onNode } from "./node-client";
import { queryKeys } from "./query-keys";

const HEALTH_POLL_MS = 5_000;

// A stored snapshot never changes: no polling.
const every = (live: LiveParams) => (live.live && live.at === undefined ? live.every * 1000 : false);
// What only changes when the network does: no polling while the change stream pushes.
const everyUnlessStreaming = (live: LiveParams) => () => (changeStreamState.isStreaming() ? false : every(live));
/** A change event refreshes the query (the node now, not paused). */
const followsChanges = (live: LiveParams) => ({ [FOLLOWS_CHANGES]: live.live && live.at === undefined });

export function healthQuery() {
  return queryOptions({
    queryKey: queryKeys.health(),
    queryFn: ({ signal }) => fetchJson(apiPaths.health(), healthSchema, signal),
    refetchInterval: HEALTH_POLL_MS,
  });
}

/** The node (or a stored snapshot) as the polling pages show it: without routes and counters. */
export function snapshotQuery(live: LiveParams) {
  return queryOptions({
    queryKey: queryKeys.snapshot(live.at),
    queryFn: ({ signal, client }) => fetchJson(onNode(client, apiPaths.snapshotOverview(live.at)), snapshotOverviewSchema, signal),
    refetchInterval: everyUnlessStreaming(live),
    meta: followsChanges(live),
  });
}

export function netnsQuery(id: string, live: LiveParams) {
  return queryOptions({
    queryKey: queryKeys.netns(id, live.at),
    queryFn: ({ signal, client }) => fetchJson(onNode(client, apiPaths.netns(id, live.at)), netnsSchema, signal),
    // Counters move without change events: a namespace page keeps polling.
    refetchInterval: every(live),
    meta: followsChanges(live),
    retry: false,
  });
}

export function podQuery(namespace: string, name: string, live: LiveParams) {
  return queryOptions({
    queryKey: queryKeys.pod(namespace, name, live.at),
    queryFn: ({ signal, client }) => fetchJson(onNode(client, apiPaths.pod(namespace, name, live.at)), lookupSchema, signal),
    refetchInterval: everyUnlessStreaming(live),
    meta: followsChanges(live),
    retry: false,
  });
}

export function containerQuery(nameOrId: string, live: LiveParams) {
  return queryOptions({
    queryKey: queryKeys.container(nameOrId, live.at),
    queryFn: ({ signal, client }) => fetchJson(onNode(client, apiPaths.container(nameOrId, live.at)), lookupSchema, signal),
    refetchInterval: everyUnlessStreaming(live),
    meta: followsChanges(live),
    retry: false,
  });
}

const HISTORY_POLL_MS = 15_000;

/** The stored snapshots (for the time slider). */
export function historyQuery() {
  return queryOptions({
    queryKey: queryKeys.history(),
    queryFn: ({ signal }) => fetchJson(apiPaths.snapshots(), historySchema, signal),
    refetchInterval: HISTORY_POLL_MS,
  });
}

/** What changed from `from` to `to` (a stored snapshot) or to the node now (polled like the page). */
export function diffQuery(from: string, live: LiveParams) {
  return queryOptions({
    queryKey: queryKeys.diff(from, live.at),
    queryFn: ({ signal }) => fetchJson(apiPaths.diff(from, live.at), diffSchema, signal),
    refetchInterval: everyUnlessStreaming(live),
    meta: followsChanges(live),
    retry: false,
  });
}

/** Whether exposing to ip netns is on, and what this agent exposed. */
export function exposuresQuery() {
  return queryOptions({
    queryKey: queryKeys.exposures(),
    queryFn: ({ signal }) => fetchJson(apiPaths.expose(), exposuresSchema, signal),
  });
}

/** Hub mode: no cluster event stream yet, so the cluster page polls. */
const CLUSTER_POLL_MS = 3_000;

export function clusterNodesQuery() {
  return queryOptions({
    queryKey: queryKeys.clusterNodes(),
    queryFn: ({ signal }) => fetchJson(apiPaths.clusterNodes(), clusterNodesSchema, signal),
    refetchInterval: CLUSTER_POLL_MS,
  });
}

/** A search over every node's cached overview (the hub never asks the agents for it). */
export function clusterSearchQuery(q: string) {
  return queryOptions({
    queryKey: queryKeys.clusterSearch(q),
    queryFn: ({ signal }) => fetchJson(apiPaths.clusterSearch(q), clusterSearchSchema, signal),
    refetchInterval: CLUSTER_POLL_MS,
    retry: false,
  });
}

export function clusterTopologyQuery() {
  return queryOptions({
    queryKey: queryKeys.clusterTopology(),
    queryFn: ({ signal }) => fetchJson(apiPaths.clusterTopology(), clusterTopologySchema, signal),
    refetchInterval: CLUSTER_POLL_MS,
  });
}

/** The frozen cluster snapshots, newest first (polled like the cluster page: someone else may freeze). */
export function clusterSnapshotsQuery() {
  return queryOptions({
    queryKey: queryKeys.clusterSnapshots(),
    queryFn: ({ signal }) => fetchJson(apiPaths.clusterSnapshots(), clusterSnapshotListSchema, signal),
    refetchInterval: HISTORY_POLL_MS,
  });
}

/** One frozen cluster snapshot: it never changes, so it is read once. */
export function clusterSnapshotQuery(id: string) {
  return queryOptions({
    queryKey: queryKeys.clusterSnapshot(id),
    queryFn: ({ signal }) => fetchJson(apiPaths.clusterSnapshot(id), clusterSnapshotSchema, signal),
    staleTime: Infinity,
    retry: false,
  });
}
