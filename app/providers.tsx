"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ChangeStream } from "@/components/live/change-stream";

/** isHub: a hub has no change stream of its own (its /api/v1/events answers 409); its pages poll. */
export function Providers({ isHub = false, children }: { isHub?: boolean; children: ReactNode }) {
  // One client per browser session; created lazily so server renders never share it.
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 2_000 } } }));
  return (
    <QueryClientProvider client={client}>
      {!isHub && <ChangeStream />}
      {children}
    </QueryClientProvider>
  );
}
