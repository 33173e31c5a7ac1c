import { traceRoute } from "@/server/dal";
import { traceHandler } from "@/server/http/handlers/trace-handler";

export const dynamic = "force-dynamic";

/** GET /api/v1/trace?from=<netnsId>&to=<ip>[&proto=tcp|udp|icmp][&sport=N][&dport=N]: where a packet goes, hop by hop. */
export async function GET(request: Request): Promise<Response> {
  return traceHandler(request, { trace: traceRoute });
}
