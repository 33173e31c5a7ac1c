import { notFound, redirect } from "next/navigation";
import { snapshotIdSchema } from "@/server/contract/history";

/** Short links to a stored snapshot: /s/<id>/<page...> opens /<page...>?at=<id>. */
export default async function SnapshotLink({ params }: { params: Promise<{ snapshotId: string; rest?: string[] }> }) {
  const { snapshotId, rest = [] } = await params;
  const id = snapshotIdSchema.safeParse(decodeURIComponent(snapshotId));
  if (!id.success) notFound();
  const page = rest.map((segment) => encodeURIComponent(decodeURIComponent(segment))).join("/");
  redirect(`/${page}?at=${encodeURIComponent(id.data)}`);
}
