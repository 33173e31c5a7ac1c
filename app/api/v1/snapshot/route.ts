import { getSnapshotView } from "@/server/dal";
import { answer, readAt, readView } from "@/server/http/answer";
import { jsonResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const at = readAt(request);
  if (!at.ok) return at.response;
  const view = readView(request);
  if (!view.ok) return view.response;
  return answer(async () => jsonResponse(await getSnapshotView(at.at, view.view)));
}
