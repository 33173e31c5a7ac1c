import { redirect } from "next/navigation";
import { Suspense } from "react";
import { PageScope } from "@/components/history/page-scope";
import { OverviewView } from "@/components/overview/overview-view";
import { isHubMode } from "@/server/dal";

export default function OverviewPage() {
  // A hub has no node of its own: its home is the cluster.
  if (isHubMode()) redirect("/cluster");
  return (
    <Suspense>
      <PageScope>
        <OverviewView />
      </PageScope>
    </Suspense>
  );
}
