import type { UseQueryResult } from "@tanstack/react-query";
import { netnsIdSchema } from "@/server/contract/snapshot";
import type { TraceResult } from "@/server/contract/trace";
import { readTraceParams, toTraceQuery } from "../trace/trace-params";
import { verdictTone, VERDICT_WORDS } from "../trace/verdict-words";
import { Badge } from "../ui/badge";
import type { TracedPath } from "./trace-on-topology";

/** The trace the topology's URL asks for (`?from=<netnsId>&trace=<ip>[&proto=&sport=&dport=]`); undefined: none. */
export function tracedQuery(search: URLSearchParams): ReturnType<typeof toTraceQuery> {
  const from = search.get("from");
  if (from === null && !search.has("trace")) return undefined;
  const id = netnsIdSchema.safeParse(from);
  if (!id.success) return { ok: false, message: "from: the trace's source namespace is not a namespace id" };
  return toTraceQuery(id.data, readTraceParams(search)) ?? { ok: false, message: "trace: no destination address" };
}

/** Above the graph: which trace is drawn, its verdict, and what of it the graph cannot show. */
export function TraceBanner({
  asked,
  trace,
  path,
  onClear,
}: {
  asked: NonNullable<ReturnType<typeof toTraceQuery>>;
  trace: UseQueryResult<TraceResult>;
  path: TracedPath | undefined;
  onClear: () => void;
}) {
  const body = (() => {
    if (!asked.ok) return <span className="text-rose-700 dark:text-rose-300">{asked.message}</span>;
    if (trace.isPending) return <span>tracing {asked.query.to}…</span>;
    if (trace.isError) return <span className="text-rose-700 dark:text-rose-300">The trace failed: {trace.error.message}</span>;
    const result = trace.data;
    return (
      <>
        <Badge tone={verdictTone(result.verdict)}>{VERDICT_WORDS[result.verdict]}</Badge>
        <span>
          path to <span className="font-mono">{result.query.to}</span>: {result.detail}
        </span>
        {path !== undefined && path.nodeIds.size === 0 && (
          <span className="text-amber-800 dark:text-amber-300">none of its hops is on the graph as shown (a focus or filter hides them)</span>
        )}
      </>
    );
  })();
  return (
    <div
      className="flex flex-wrap items-center gap-2 rounded border border-emerald-300 bg-emerald-50 px-3 py-1.5 text-sm dark:border-emerald-800 dark:bg-emerald-950"
      data-testid="topology-trace"
      data-verdict={trace.data?.verdict}
    >
      {body}
      <button type="button" onClick={onClear} className="ml-auto underline">
        clear the path
      </button>
    </div>
  );
}
