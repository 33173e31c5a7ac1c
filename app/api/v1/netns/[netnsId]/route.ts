import { netnsIdSchema } from "@/server/contract/snapshot";
import { getNetns } from "@/server/dal";
import { answer, readAt, whereText } from "@/server/http/answer";
import { jsonResponse, problemResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ netnsId: string }> }): Promise<Response> {
  const { netnsId } = await context.params;
  const id = netnsIdSchema.safeParse(netnsId);
  if (!id.success) return problemResponse(400, "Malformed namespace id", "a namespace id is its inode as a decimal number, e.g. 4026531993");
  const at = readAt(request);
  if (!at.ok) return at.response;
  return answer(async () => {
    const netns = await getNetns(id.data, at.at);
    if (netns === undefined) return problemResponse(404, "No such namespace", `no network namespace with inode ${id.data} exists ${whereText(at.at)}`);
    return jsonResponse(netns);
  });
}
