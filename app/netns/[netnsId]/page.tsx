import { Suspense } from "react";
import { PageScope } from "@/components/history/page-scope";
import { NetnsDetailView } from "@/components/netns/netns-detail-view";

export default async function NetnsPage({ params }: { params: Promise<{ netnsId: string }> }) {
  const { netnsId } = await params;
  return (
    <Suspense>
      <PageScope>
        <NetnsDetailView id={decodeURIComponent(netnsId)} />
      </PageScope>
    </Suspense>
  );
}
