import Link from "next/link";
import type { TraceResult } from "@/server/contract/trace";
import { topologyTraceSearch } from "../topology/trace-on-topology";
import { Badge } from "../ui/badge";
import { useHrefs } from "../url/at-scope";
import { verdictTone, VERDICT_WORDS } from "./verdict-words";

/** A trace's result: the verdict, each hop (its namespace linked to its page), and what was not evaluated. Pure. */
export function TraceResultView({ result }: { result: TraceResult }) {
  const hrefs = useHrefs();
  const q = result.query;
  const flow = [q.proto, q.sport === undefined ? undefined : `sport ${q.sport}`, q.dport === undefined ? undefined : `dport ${q.dport}`]
    .filter(Boolean)
    .join(" ");
  return (
    <div className="space-y-3" data-testid="trace-result" data-verdict={result.verdict}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={verdictTone(result.verdict)}>
          <span data-testid="trace-verdict">{VERDICT_WORDS[result.verdict]}</span>
        </Badge>
        <span className="text-sm" data-testid="trace-detail">
          {result.detail}
        </span>
        <Link
          prefetch={false}
          href={`${hrefs.topology()}?${topologyTraceSearch(q)}`}
          className="text-xs text-sky-700 hover:underline dark:text-sky-400"
          data-testid="trace-on-topology"
        >
          show the path on the topology
        </Link>
      </div>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        To <span className="font-mono">{q.to}</span>
        {flow && <span> ({flow})</span>}
        {result.source && (
          <span>
            {" "}
            from <span className="font-mono">{result.source}</span>
          </span>
        )}
        , asked at {new Date(result.tracedAt).toLocaleTimeString()}; wiring from snapshot <span className="font-mono">{result.snapshotId}</span>.
      </p>
      <ol className="space-y-2" data-testid="trace-hops">
        {result.hops.map((hop, i) => (
          <li
            key={`${i}-${hop.netnsId}`}
            className={`rounded border p-2 text-sm ${i === result.hops.length - 1 && verdictTone(result.verdict) !== "good" ? "border-rose-300 dark:border-rose-800" : "border-slate-200 dark:border-slate-800"}`}
            data-testid="trace-hop"
            data-netns={hop.netnsId}
            data-kind={hop.kind}
          >
            <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
              <span className="w-6 text-right font-mono text-slate-500">{i + 1}</span>
              <Link
                prefetch={false}
                href={hrefs.netns(hop.netnsId, hop.inIfindex ?? hop.outIfindex)}
                className="font-semibold text-sky-700 hover:underline dark:text-sky-400"
                data-testid="trace-hop-netns"
              >
                {hop.label}
              </Link>
              <Badge tone="neutral">{hop.kind === "bridge" ? "bridged" : "routed"}</Badge>
              <span className="font-mono text-xs">
                {hop.in ? `in ${hop.in}` : "starts here"}
                {hop.out ? ` → out ${hop.out}` : ""}
                {hop.via ? ` via ${hop.via}` : ""}
              </span>
            </div>
            <div className="mt-1 pl-9 font-mono text-xs break-words text-slate-700 dark:text-slate-300" data-testid="trace-hop-route">
              {hop.route}
            </div>
            {hop.notes.length > 0 && (
              <ul className="mt-1 list-disc pl-14 text-xs text-slate-600 dark:text-slate-400">
                {hop.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      {result.exit && (
        <p className="text-sm" data-testid="trace-exit">
          Leaves through <span className="font-mono">{result.exit.interface}</span> ({result.exit.kind})
          {result.exit.remote && (
            <span>
              {" "}
              towards <span className="font-mono">{result.exit.remote}</span>
            </span>
          )}
          {result.exit.node && <span> on node {result.exit.node}</span>}
          {result.exit.floodedTo && (
            <span>
              {", flooded to VTEPs "}
              <span className="font-mono">{result.exit.floodedTo.join(", ")}</span>
            </span>
          )}
          .
        </p>
      )}
      {result.warnings.map((w) => (
        <p key={w} className="text-sm text-amber-800 dark:text-amber-300">
          ⚠ {w}
        </p>
      ))}
      <p
        className="rounded border border-amber-300 bg-amber-50 px-2 py-1 text-xs text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        data-testid="trace-netfilter"
      >
        Netfilter {result.netfilter}: this follows the kernel&apos;s routing, neighbour tables and bridge FDBs only. iptables/nftables rules on the way may
        still drop or rewrite what the routing lets through.
      </p>
    </div>
  );
}
