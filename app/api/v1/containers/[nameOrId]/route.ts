import { containerRefSchema } from "@/server/contract/lookups";
import { getContainer } from "@/server/dal";
import { answer, readAt, whereText } from "@/server/http/answer";
import { jsonResponse, problemResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ nameOrId: string }> }): Promise<Response> {
  const ref = containerRefSchema.safeParse((await context.params).nameOrId);
  if (!ref.success) return problemResponse(400, "Malformed container name or id", ref.error.issues[0]?.message);
  const at = readAt(request);
  if (!at.ok) return at.response;
  return answer(async () => {
    const found = await getContainer(ref.data, at.at);
    if (found === undefined) return problemResponse(404, "No such container", `no running container named or with id ${ref.data} ${whereText(at.at)}`);
    return jsonResponse(found);
  });
}
