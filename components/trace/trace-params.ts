import { traceQuerySchema, type TraceProtocol, type TraceQuery } from "@/server/contract/trace";

/** The trace a namespace or pod page shows, as its URL says: `?trace=<ip>[&proto=tcp|udp|icmp][&sport=N][&dport=N]`. */
export interface TraceParams {
  to: string;
  proto: string;
  sport: string;
  dport: string;
}

/** The page's trace parameters as typed (for the form), whether or not they are valid. */
export function readTraceParams(search: URLSearchParams): TraceParams {
  const get = (key: string) => (search.get(key) ?? "").slice(0, 100);
  return { to: get("trace"), proto: get("proto"), sport: get("sport"), dport: get("dport") };
}

/** The question to ask for namespace `from`, or why the parameters are not one (undefined: no trace asked for). */
export function toTraceQuery(from: string, p: TraceParams): { ok: true; query: TraceQuery } | { ok: false; message: string } | undefined {
  if (p.to.trim() === "") return undefined;
  const empty = (v: string) => (v.trim() === "" ? undefined : v.trim());
  const parsed = traceQuerySchema.safeParse({ from, to: p.to.trim(), proto: empty(p.proto), sport: empty(p.sport), dport: empty(p.dport) });
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, message: `${issue?.path.join(".") || "trace"}: ${issue?.message ?? "invalid"}` };
}

/** The URL changes that put a trace on the page (or take it off: `to` empty). */
export function traceSearch(p: TraceParams): Record<string, string | undefined> {
  const value = (v: string) => (v.trim() === "" ? undefined : v.trim());
  return { trace: value(p.to), proto: value(p.proto), sport: value(p.sport), dport: value(p.dport) };
}

/** GET /api/v1/trace for a query. */
export function traceApiPath(query: TraceQuery): string {
  const params = new URLSearchParams({ from: query.from, to: query.to });
  const proto: TraceProtocol | undefined = query.proto;
  if (proto !== undefined) params.set("proto", proto);
  if (query.sport !== undefined) params.set("sport", String(query.sport));
  if (query.dport !== undefined) params.set("dport", String(query.dport));
  return `/api/v1/trace?${params.toString()}`;
}
