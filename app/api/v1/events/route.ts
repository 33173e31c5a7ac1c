import { changeSource } from "@/server/dal";
import { eventStreamHandler } from "@/server/http/handlers/event-stream";

export const dynamic = "force-dynamic";

export function GET(request: Request): Response {
  return eventStreamHandler(request, changeSource());
}
