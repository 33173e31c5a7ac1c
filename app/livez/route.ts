import { livezHandler } from "@/server/http/handlers/probe-handlers";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return livezHandler();
}
