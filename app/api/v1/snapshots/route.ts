import { freezeSnapshot, listSnapshots } from "@/server/dal";
import { answer, requester } from "@/server/http/answer";
import { jsonResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

/** The history, oldest first. */
export async function GET(): Promise<Response> {
  return jsonResponse(listSnapshots());
}

/** Freeze: take a snapshot now and keep it. */
export async function POST(request: Request): Promise<Response> {
  return answer(async () => {
    const entry = await freezeSnapshot(requester(request));
    const response = jsonResponse(entry, 201);
    response.headers.set("location", `/api/v1/snapshots/${encodeURIComponent(entry.id)}`);
    return response;
  });
}
