import { unexposeRequestSchema } from "@/server/contract/expose";
import { unexposeNamespace } from "@/server/dal";
import { answer, requester } from "@/server/http/answer";
import { jsonResponse } from "@/server/http/json";
import { readJson } from "@/server/http/read-json";

export const dynamic = "force-dynamic";

/** Undo an exposure this agent made: {"name": "web"}. */
export async function POST(request: Request): Promise<Response> {
  const body = await readJson(request, unexposeRequestSchema);
  if (!body.ok) return body.response;
  return answer(async () => {
    unexposeNamespace(body.value.name, requester(request));
    return jsonResponse({ name: body.value.name, isRemoved: true });
  });
}
