import { readSource } from "@/server/dal";
import { snapshotHandler } from "@/server/http/handlers/read-handlers";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return snapshotHandler(request, readSource());
}
