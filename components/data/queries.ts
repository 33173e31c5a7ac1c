import { queryOptions } from "@tanstack/react-query";
import { healthSchema } from "@/server/contract/health";
import { lookupSchema } from "@/server/contract/lookups";
import { netnsSchema, snapshotSchema } from "@/server/contract/snapshot";
import { apiPaths } from "../url/routes";
import type { LiveParams } from "../url/search-params";
import { fetchJson } from "./api-client";
import { queryKeys } from "./query-keys";

export const HEALTH_POLL_MS = 5_000;

const every = (live: LiveParams) => (live.live ? live.every * 1000 : false);

export function healthQuery() {
  return queryOptions({
    queryKey: queryKeys.health(),
    queryFn: ({ signal }) => fetchJson(apiPaths.health(), healthSchema, signal),
    refetchInterval: HEALTH_POLL_MS,
  });
}

export function snapshotQuery(live: LiveParams) {
  return queryOptions({
    queryKey: queryKeys.snapshot(),
    queryFn: ({ signal }) => fetchJson(apiPaths.snapshot(), snapshotSchema, signal),
    refetchInterval: every(live),
  });
}

export function netnsQuery(id: string, live: LiveParams) {
  return queryOptions({
    queryKey: queryKeys.netns(id),
    queryFn: ({ signal }) => fetchJson(apiPaths.netns(id), netnsSchema, signal),
    refetchInterval: every(live),
    retry: false,
  });
}

export function podQuery(namespace: string, name: string, live: LiveParams) {
  return queryOptions({
    queryKey: queryKeys.pod(namespace, name),
    queryFn: ({ signal }) => fetchJson(apiPaths.pod(namespace, name), lookupSchema, signal),
    refetchInterval: every(live),
    retry: false,
  });
}

export function containerQuery(nameOrId: string, live: LiveParams) {
  return queryOptions({
    queryKey: queryKeys.container(nameOrId),
    queryFn: ({ signal }) => fetchJson(apiPaths.container(nameOrId), lookupSchema, signal),
    refetchInterval: every(live),
    retry: false,
  });
}
