import { getSnapshot } from "@/server/dal";
import { answer, readAt } from "@/server/http/answer";
import { jsonResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const at = readAt(request);
  if (!at.ok) return at.response;
  return answer(async () => jsonResponse(await getSnapshot(at.at)));
}
