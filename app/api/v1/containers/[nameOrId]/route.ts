import { containerRefSchema } from "@/server/contract/lookups";
import { getContainer } from "@/server/dal";
import { jsonResponse, problemResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: { params: Promise<{ nameOrId: string }> }): Promise<Response> {
  const ref = containerRefSchema.safeParse((await context.params).nameOrId);
  if (!ref.success) return problemResponse(400, "Malformed container name or id", ref.error.issues[0]?.message);
  try {
    const found = await getContainer(ref.data);
    if (found === undefined) return problemResponse(404, "No such container", `no running container named or with id ${ref.data} on this node`);
    return jsonResponse(found);
  } catch (err) {
    return problemResponse(503, "The node could not be read", err instanceof Error ? err.message : String(err));
  }
}
