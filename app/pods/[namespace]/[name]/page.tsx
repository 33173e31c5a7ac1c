import { Suspense } from "react";
import { PageScope } from "@/components/history/page-scope";
import { PodDetailView } from "@/components/pods/pod-detail-view";

export default async function PodPage({ params }: { params: Promise<{ namespace: string; name: string }> }) {
  const { namespace, name } = await params;
  return (
    <Suspense>
      <PageScope>
        <PodDetailView namespace={decodeURIComponent(namespace)} name={decodeURIComponent(name)} />
      </PageScope>
    </Suspense>
  );
}
