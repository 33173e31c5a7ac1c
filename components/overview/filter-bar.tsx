import { netnsKindLabel, type NetnsKind } from "@/server/contract/display";
import type { OverviewParams } from "../url/search-params";

function Toggle({ label, isOn, onToggle }: { label: string; isOn: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      aria-pressed={isOn}
      onClick={onToggle}
      className={`rounded-full border px-2.5 py-0.5 text-xs ${isOn ? "border-sky-600 bg-sky-600 text-white" : "border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"}`}
    >
      {label}
    </button>
  );
}

const flip = (list: string[], value: string) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

/** Search box and filters; every change goes to the URL through `onChange`: pure. */
export function FilterBar({
  params,
  choices,
  shown,
  total,
  onChange,
}: {
  params: OverviewParams;
  choices: { kinds: NetnsKind[]; engines: string[]; k8sNamespaces: string[] };
  shown: number;
  total: number;
  onChange: (changes: Record<string, string | string[] | undefined>) => void;
}) {
  const isFiltered = params.q !== "" || params.kind.length + params.engine.length + params.k8sns.length > 0;
  return (
    <div className="space-y-2" role="search">
      <div className="flex flex-wrap items-center gap-2">
        <input
          type="search"
          value={params.q}
          onChange={(e) => onChange({ q: e.target.value })}
          placeholder="Search owners, labels (key=value), containers, interfaces, IPs, MACs…"
          aria-label="Search namespaces"
          className="min-w-64 flex-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <span className="text-sm text-slate-500 dark:text-slate-400" data-testid="row-count">
          {shown} of {total} namespaces
        </span>
        {isFiltered && (
          <button
            type="button"
            onClick={() => onChange({ q: undefined, kind: undefined, engine: undefined, k8sns: undefined })}
            className="text-sm text-sky-700 underline dark:text-sky-400"
          >
            clear filters
          </button>
        )}
      </div>
      <div className="flex flex-wrap items-center gap-1.5" aria-label="Filter by owner kind">
        <span className="mr-1 text-xs text-slate-600 dark:text-slate-400">owner</span>
        {choices.kinds.map((k) => (
          <Toggle key={k} label={netnsKindLabel(k)} isOn={params.kind.includes(k)} onToggle={() => onChange({ kind: flip(params.kind, k) })} />
        ))}
        {choices.engines.length > 0 && <span className="ml-3 mr-1 text-xs text-slate-600 dark:text-slate-400">engine</span>}
        {choices.engines.map((e) => (
          <Toggle key={e} label={e} isOn={params.engine.includes(e)} onToggle={() => onChange({ engine: flip(params.engine, e) })} />
        ))}
        {choices.k8sNamespaces.length > 0 && <span className="ml-3 mr-1 text-xs text-slate-600 dark:text-slate-400">k8s namespace</span>}
        {choices.k8sNamespaces.map((ns) => (
          <Toggle key={ns} label={ns} isOn={params.k8sns.includes(ns)} onToggle={() => onChange({ k8sns: flip(params.k8sns, ns) })} />
        ))}
      </div>
    </div>
  );
}
