import { Suspense } from "react";
import { ClusterView } from "@/components/cluster/cluster-view";

export default function ClusterPage() {
  return (
    <Suspense>
      <ClusterView />
    </Suspense>
  );
}
