/** GET /api/v1/snapshot and GET /api/v1/netns/{id}: one implementation for the dashboard and the node agent. */
import { netnsIdSchema, type Snapshot, type SnapshotOverview, type SnapshotView } from "../../contract/snapshot";
import { snapshotJsonBytes } from "../../snapshot/snapshot-json";
import { answer, readAt, readView, whereText } from "../answer";
import { bytesResponse } from "../front/to-web";
import { jsonResponse, problemResponse } from "../json";
import type { ReadSource } from "./read-source";

/**
 * The last serialised snapshot per (live or stored, view): every request for the same snapshot (clients
 * polling within the snapshot TTL, a hub and a dashboard at once) reuses its bytes until the next scan,
 * instead of serialising a few MB again. A live snapshot and the stored copy of it share an id but not
 * their content (the stored one has listeners), hence the slot. At most four entries: one per slot.
 */
const serialised = new Map<string, { id: string; bytes: Buffer<ArrayBuffer> }>();

function snapshotBytes(at: string | undefined, view: SnapshotView, body: Snapshot | SnapshotOverview): Buffer<ArrayBuffer> {
  const slot = `${at === undefined ? "live" : "stored"} ${view}`;
  const held = serialised.get(slot);
  if (held?.id === body.id) return held.bytes;
  const bytes = snapshotJsonBytes(body);
  serialised.set(slot, { id: body.id, bytes });
  return bytes;
}

export async function snapshotHandler(request: Request, source: ReadSource): Promise<Response> {
  const at = readAt(request);
  if (!at.ok) return at.response;
  const view = readView(request);
  if (!view.ok) return view.response;
  return answer(async () => {
    const body = await source.view(view.view, at.at);
    // What jsonResponse answers (Response.json), from bytes serialised once per snapshot.
    return bytesResponse(snapshotBytes(at.at, view.view, body), { status: 200, headers: { "content-type": "application/json", "cache-control": "no-store" } });
  });
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
