import { getHealth } from "@/server/dal";
import { jsonResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return jsonResponse(await getHealth());
}
