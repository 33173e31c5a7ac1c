import { Suspense } from "react";
import { NetnsDetailView } from "@/components/netns/netns-detail-view";

export default async function NetnsPage({ params }: { params: Promise<{ netnsId: string }> }) {
  const { netnsId } = await params;
  return (
    <Suspense>
      <NetnsDetailView id={decodeURIComponent(netnsId)} />
    </Suspense>
  );
}
