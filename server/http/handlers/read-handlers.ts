/** GET /api/v1/snapshot and GET /api/v1/netns/{id}: one implementation for the dashboard and the node agent. */
import { netnsIdSchema } from "../../contract/snapshot";
import { answer, readAt, readView, whereText } from "../answer";
import { jsonResponse, problemResponse } from "../json";
import type { ReadSource } from "./read-source";

export async function snapshotHandler(request: Request, source: ReadSource): Promise<Response> {
  const at = readAt(request);
  if (!at.ok) return at.response;
  const view = readView(request);
  if (!view.ok) return view.response;
  return answer(async () => jsonResponse(await source.view(view.view, at.at)));
}

export async function netnsHandler(request: Request, rawId: string, source: ReadSource): Promise<Response> {
  const id = netnsIdSchema.safeParse(rawId);
  if (!id.success) return problemResponse(400, "Malformed namespace id", "a namespace id is its inode as a decimal number, e.g. 4026531993");
  const at = readAt(request);
  if (!at.ok) return at.response;
  return answer(async () => {
    const netns = await source.netns(id.data, at.at);
    if (netns === undefined) return problemResponse(404, "No such namespace", `no network namespace with inode ${id.data} exists ${whereText(at.at)}`);
    return jsonResponse(netns);
  });
}
