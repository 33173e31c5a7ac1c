import { Suspense } from "react";
import { PodDetailView } from "@/components/pods/pod-detail-view";

export default async function PodPage({ params }: { params: Promise<{ namespace: string; name: string }> }) {
  const { namespace, name } = await params;
  return (
    <Suspense>
      <PodDetailView namespace={decodeURIComponent(namespace)} name={decodeURIComponent(name)} />
    </Suspense>
  );
}
