"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { traceProtocolSchema } from "@/server/contract/trace";
import { useNodeScope } from "../cluster/node-scope";
import { ErrorPanel } from "../ui/error-panel";
import { Skeleton } from "../ui/skeleton";
import { useHrefs } from "../url/at-scope";
import { useUrlState } from "../url/use-url-state";
import { readTraceParams, toTraceQuery, traceSearch, type TraceParams } from "./trace-params";
import { traceQuery } from "./trace-query";
import { TraceResultView } from "./trace-result-view";

/** The parameters as one comparable string (trimmed as the URL keeps them). */
const keyOf = (p: TraceParams) => [p.to, p.proto, p.sport, p.dport].map((v) => v.trim()).join("|");

const INPUT = "rounded border border-slate-300 bg-white px-2 py-1 font-mono text-sm dark:border-slate-700 dark:bg-slate-900";

/**
 * "Path trace" on a namespace's or pod's page: where a packet from namespace `from` to an address goes,
 * hop by hop. The trace lives in the URL (`?trace=<ip>[&proto=][&sport=][&dport=]`), so a link opens it.
 * On a node page of the hub the node's agent traces, when the scope allows it.
 */
export function TracePanel({ from }: { from: string }) {
  const scope = useNodeScope();
  if (scope !== undefined && !scope.capabilities.trace) return null;
  return <TraceForm from={from} />;
}

function TraceForm({ from }: { from: string }) {
  const [search, setSearch] = useUrlState();
  const inUrl = readTraceParams(search);
  const key = keyOf(inUrl);
  const [form, setForm] = useState<TraceParams>(inUrl);
  const [formError, setFormError] = useState<string | undefined>(undefined);
  // A link followed, or back/forward: the form shows what the URL asks.
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    setShownKey(key);
    setForm(inUrl);
  }
  const isAsked = keyOf(form) === key;
  const asked = toTraceQuery(from, inUrl);
  const trace = useQuery({ ...traceQuery(asked?.ok ? asked.query : { from, to: "0.0.0.0" }), enabled: asked?.ok === true });
  const hrefs = useHrefs();
  const set = (field: keyof TraceParams) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });
  const hasPorts = form.proto !== "icmp";

  return (
    <section className="space-y-3" data-testid="trace">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-base font-semibold">Path trace</h2>
        <Link prefetch={false} href={hrefs.topology(`netns:${from}`)} className="text-xs text-sky-700 hover:underline dark:text-sky-400">
          this namespace on the topology
        </Link>
      </div>
      <form
        className="flex flex-wrap items-end gap-2 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          const checked = toTraceQuery(from, form);
          if (checked?.ok === false) {
            setFormError(checked.message);
            return;
          }
          setFormError(undefined);
          if (checked?.ok && isAsked) void trace.refetch();
          setSearch(traceSearch(form));
        }}
      >
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600 dark:text-slate-400">Destination address</span>
          <input
            value={form.to}
            onChange={set("to")}
            placeholder="10.0.0.2 or fd00::2"
            maxLength={45}
            className={`${INPUT} w-56`}
            aria-label="Destination address"
          />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600 dark:text-slate-400">Protocol</span>
          <select value={form.proto} onChange={set("proto")} className={INPUT} aria-label="Protocol">
            <option value="">any</option>
            {traceProtocolSchema.options.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        {hasPorts && (
          <>
            <label className="flex flex-col gap-1">
              <span className="text-xs text-slate-600 dark:text-slate-400">Source port</span>
              <input value={form.sport} onChange={set("sport")} inputMode="numeric" maxLength={5} className={`${INPUT} w-24`} aria-label="Source port" />
            </label>
            <label className="flex flex-col gap-1">
              <span className="text-xs text-slate-600 dark:text-slate-400">Destination port</span>
              <input value={form.dport} onChange={set("dport")} inputMode="numeric" maxLength={5} className={`${INPUT} w-24`} aria-label="Destination port" />
            </label>
          </>
        )}
        <button type="submit" className="rounded bg-sky-700 px-3 py-1 text-white disabled:opacity-60" disabled={trace.isFetching} data-testid="trace-run">
          {asked?.ok && isAsked ? "Trace again" : "Trace"}
        </button>
        {inUrl.to !== "" && (
          <button
            type="button"
            className="rounded border border-slate-300 px-3 py-1 dark:border-slate-700"
            onClick={() => {
              setForm({ to: "", proto: "", sport: "", dport: "" });
              setSearch(traceSearch({ to: "", proto: "", sport: "", dport: "" }));
            }}
          >
            Clear
          </button>
        )}
      </form>
      {(formError ?? (asked?.ok === false ? asked.message : undefined)) && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300" data-testid="trace-form-error">
          {formError ?? (asked?.ok === false ? asked.message : "")}
        </p>
      )}
      {asked?.ok && trace.isPending && <Skeleton className="h-32" />}
      {asked?.ok && trace.isError && <ErrorPanel title="The trace failed" message={trace.error.message} onRetry={() => void trace.refetch()} />}
      {asked?.ok && trace.data && <TraceResultView result={trace.data} />}
      {asked === undefined && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Asks the kernel&apos;s own routing in this namespace (like <code>ip route get</code>), and in every namespace the packet reaches on this node.
        </p>
      )}
    </section>
  );
}
