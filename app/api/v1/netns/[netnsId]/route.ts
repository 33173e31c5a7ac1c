import { netnsIdSchema } from "@/server/contract/snapshot";
import { getNetns } from "@/server/dal";
import { jsonResponse, problemResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: { params: Promise<{ netnsId: string }> }): Promise<Response> {
  const { netnsId } = await context.params;
  const id = netnsIdSchema.safeParse(netnsId);
  if (!id.success) return problemResponse(400, "Malformed namespace id", "a namespace id is its inode as a decimal number, e.g. 4026531993");
  try {
    const netns = await getNetns(id.data);
    if (netns === undefined) return problemResponse(404, "No such namespace", `no network namespace with inode ${id.data} exists on this node now`);
    return jsonResponse(netns);
  } catch (err) {
    return problemResponse(503, "The node could not be read", err instanceof Error ? err.message : String(err));
  }
}
