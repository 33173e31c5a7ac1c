import { getReadiness } from "@/server/dal";
import { readyzHandler } from "@/server/http/handlers/probe-handlers";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return readyzHandler(getReadiness());
}
