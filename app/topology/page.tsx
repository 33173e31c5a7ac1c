import { Suspense } from "react";
import { TopologyView } from "@/components/topology/topology-view";

export default function TopologyPage() {
  return (
    <Suspense>
      <TopologyView />
    </Suspense>
  );
}
