import { changeSource } from "@/server/dal";
import { processShutdown } from "@/server/http/front/shutdown";
import { eventStreamHandler } from "@/server/http/handlers/event-stream";

export const dynamic = "force-dynamic";

export function GET(request: Request): Response {
  // The stream ends when the dashboard stops (server/bin/dashboard.ts aborts this signal).
  return eventStreamHandler(request, changeSource(), { signal: processShutdown().signal });
}
