"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ChangeStream } from "@/components/live/change-stream";

export function Providers({ children }: { children: ReactNode }) {
  // One client per browser session; created lazily so server renders never share it.
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 2_000 } } }));
  return (
    <QueryClientProvider client={client}>
      <ChangeStream />
      {children}
    </QueryClientProvider>
  );
}
