import { queryOptions } from "@tanstack/react-query";
import { healthSchema } from "@/server/contract/health";
import { fetchJson } from "./api-client";
import { apiPaths } from "../url/routes";
import { queryKeys } from "./query-keys";

export const HEALTH_POLL_MS = 5_000;

export function healthQuery() {
  return queryOptions({
    queryKey: queryKeys.health(),
    queryFn: ({ signal }) => fetchJson(apiPaths.health(), healthSchema, signal),
    refetchInterval: HEALTH_POLL_MS,
  });
}
