import { exposeRequestSchema } from "@/server/contract/expose";
import { exposeNamespace, getExposures } from "@/server/dal";
import { answer, requester } from "@/server/http/answer";
import { jsonResponse } from "@/server/http/json";
import { readJson } from "@/server/http/read-json";

export const dynamic = "force-dynamic";

/** Whether exposing is on, and what this agent exposed. */
export async function GET(): Promise<Response> {
  return answer(async () => jsonResponse(getExposures()));
}

/** Expose a container's or pod's namespace to `ip netns`: {"target": "container:web", "name": "web"}. */
export async function POST(request: Request): Promise<Response> {
  const body = await readJson(request, exposeRequestSchema);
  if (!body.ok) return body.response;
  return answer(async () => jsonResponse(await exposeNamespace(body.value, requester(request)), 201));
}
