import { getSnapshot } from "@/server/dal";
import { jsonResponse, problemResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    return jsonResponse(await getSnapshot());
  } catch (err) {
    return problemResponse(503, "The node could not be read", err instanceof Error ? err.message : String(err));
  }
}
