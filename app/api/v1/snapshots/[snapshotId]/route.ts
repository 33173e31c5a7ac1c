import { snapshotIdSchema } from "@/server/contract/history";
import { getSnapshot } from "@/server/dal";
import { answer } from "@/server/http/answer";
import { jsonResponse, problemResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

/** One stored snapshot; `?download=1` makes it a file (the export). */
export async function GET(request: Request, context: { params: Promise<{ snapshotId: string }> }): Promise<Response> {
  const id = snapshotIdSchema.safeParse((await context.params).snapshotId);
  if (!id.success) return problemResponse(400, "Malformed snapshot id", id.error.issues[0]?.message);
  const isDownload = new URL(request.url).searchParams.get("download") === "1";
  return answer(async () => {
    const snapshot = await getSnapshot(id.data);
    const response = jsonResponse(snapshot);
    if (isDownload) {
      const host = snapshot.node.hostname.replace(/[^A-Za-z0-9_.-]/g, "_");
      response.headers.set("content-disposition", `attachment; filename="nsatlas-${host}-${id.data}.json"`);
    }
    return response;
  });
}
