import { captureHost } from "@/server/dal";
import { captureHandler, captureStatusHandler } from "@/server/http/handlers/capture-handler";

export const dynamic = "force-dynamic";

/** Whether packet capture is on here, how many run, and the limits. */
export async function GET(): Promise<Response> {
  return captureStatusHandler(captureHost());
}

/** Starts a capture and streams its pcapng file while it runs (docs/api.md, "Packet capture"). */
export async function POST(request: Request): Promise<Response> {
  return captureHandler(request, captureHost());
}
