import { Suspense } from "react";
import { PageScope } from "@/components/history/page-scope";
import { TopologyView } from "@/components/topology/topology-view";

export default function TopologyPage() {
  return (
    <Suspense>
      <PageScope>
        <TopologyView />
      </PageScope>
    </Suspense>
  );
}
