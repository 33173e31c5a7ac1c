"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function RouteError({ error, reset }: { error: Error; reset: () => void }) {
  return <ErrorPanel title="This page failed to render" message={error.message} onRetry={reset} />;
}
