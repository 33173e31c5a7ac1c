import { Suspense } from "react";
import { ContainerDetailView } from "@/components/pods/container-detail-view";

export default async function ContainerPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return (
    <Suspense>
      <ContainerDetailView name={decodeURIComponent(name)} />
    </Suspense>
  );
}
