/** GET /api/v1/trace?from=<netnsId>&to=<ip>[&proto=&sport=&dport=]: one implementation for the dashboard and the node agent. */
import type { TraceQuery, TraceResult } from "../../contract/trace";
import { traceQuerySchema } from "../../contract/trace";
import { answer } from "../answer";
import { jsonResponse, problemResponse } from "../json";

/** What the trace route needs from the agent: a trace, or undefined when `from` is no namespace of the node now. */
export interface TraceSource {
  trace(query: TraceQuery): Promise<TraceResult | undefined>;
}

const USAGE = "from=<netnsId>&to=<ip>[&proto=tcp|udp|icmp][&sport=1-65535][&dport=1-65535]";
const KNOWN = new Set(["from", "to", "proto", "sport", "dport"]);

export async function traceHandler(request: Request, source: TraceSource): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const unknown = [...params.keys()].find((k) => !KNOWN.has(k));
  if (unknown !== undefined) return problemResponse(400, "Malformed trace request", `unknown parameter ${JSON.stringify(unknown.slice(0, 40))} (${USAGE})`);
  const repeated = [...KNOWN].find((k) => params.getAll(k).length > 1);
  if (repeated !== undefined) return problemResponse(400, "Malformed trace request", `${repeated} is given more than once (${USAGE})`);
  const query = traceQuerySchema.safeParse(Object.fromEntries(params));
  if (!query.success) {
    const issue = query.error.issues[0];
    return problemResponse(400, "Malformed trace request", `${issue?.path.join(".") || "query"}: ${issue?.message ?? "invalid"} (${USAGE})`);
  }
  return answer(async () => {
    const result = await source.trace(query.data);
    if (result === undefined) return problemResponse(404, "No such namespace", `no network namespace with inode ${query.data.from} exists on this node now`);
    return jsonResponse(result);
  });
}
