"use client";

import { useQuery } from "@tanstack/react-query";
import { healthQuery } from "../data/queries";
import { ErrorPanel } from "../ui/error-panel";
import { Skeleton } from "../ui/skeleton";
import { HealthPanel } from "./health-panel";

/** Fetches the agent's health and renders it; the panel itself stays pure. */
export function HealthView() {
  const query = useQuery(healthQuery());
  if (query.isPending) return <HealthSkeleton />;
  if (query.isError) return <ErrorPanel title="The agent did not answer" message={query.error.message} onRetry={() => void query.refetch()} />;
  return <HealthPanel health={query.data} />;
}

function HealthSkeleton() {
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading">
      <Skeleton className="h-28" />
      <Skeleton className="h-48" />
    </div>
  );
}
