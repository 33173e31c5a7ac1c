import { Suspense } from "react";
import { PageScope } from "@/components/history/page-scope";
import { ContainerDetailView } from "@/components/pods/container-detail-view";

export default async function ContainerPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return (
    <Suspense>
      <PageScope>
        <ContainerDetailView name={decodeURIComponent(name)} />
      </PageScope>
    </Suspense>
  );
}
