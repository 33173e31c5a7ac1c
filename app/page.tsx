import { Suspense } from "react";
import { PageScope } from "@/components/history/page-scope";
import { OverviewView } from "@/components/overview/overview-view";

export default function OverviewPage() {
  return (
    <Suspense>
      <PageScope>
        <OverviewView />
      </PageScope>
    </Suspense>
  );
}
