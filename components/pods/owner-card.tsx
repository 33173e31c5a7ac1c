import Link from "next/link";
import { containerLabel, ownerEngine, shortId } from "@/server/contract/display";
import type { Lookup } from "@/server/contract/lookups";
import { OwnerBadge } from "../ui/owner-badge";
import { useHrefs } from "../url/at-scope";

/** What a pod or container is: its engine's facts and its containers: pure. */
export function OwnerCard({ lookup }: { lookup: Lookup }) {
  const hrefs = useHrefs();
  const o = lookup.owner;
  const engine = ownerEngine(o);
  const facts: Array<[string, string]> = engine === undefined ? [] : [["runtime", engine]];
  if (o.kind === "kubernetes-pod") facts.push(["namespace", o.namespace], ["uid", o.uid], ["sandbox", shortId(o.sandboxId)]);
  if (o.kind === "docker-container")
    facts.push(["id", shortId(o.id)], ["image", o.image ?? "—"], ["state", o.state], ["network", o.networkMode ?? "—"], ["pid", String(o.pid ?? "—")]);
  if (o.kind === "podman-pod") facts.push(["id", shortId(o.id)]);
  const containers = "containers" in o ? o.containers : [];
  return (
    <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <h1 className="text-xl font-semibold">
        <OwnerBadge owner={o} />
      </h1>
      <Link
        prefetch={false}
        href={hrefs.topology(
          o.kind === "kubernetes-pod" ? `pod:${o.name}` : o.kind === "docker-container" ? `container:${o.name}` : `netns:${lookup.netns[0]?.id ?? ""}`,
        )}
        className="text-sm text-sky-700 underline dark:text-sky-400"
      >
        Show in the topology
      </Link>
      {lookup.container && (
        <p className="text-sm">
          container <strong>{containerLabel(lookup.container)}</strong> of this pod
        </p>
      )}
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
            <dd className="font-mono text-xs break-all">{v}</dd>
          </div>
        ))}
      </dl>
      {containers.length > 0 && (
        <table className="w-full text-left text-sm" data-testid="containers">
          <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
            <tr>
              <th className="py-1">Container</th>
              <th className="py-1">Name in the engine</th>
              <th className="py-1">Image</th>
              <th className="py-1">State</th>
            </tr>
          </thead>
          <tbody>
            {containers.map((c) => (
              <tr key={c.id} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-1">
                  {containerLabel(c)}
                  {c.isSandbox && <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">(sandbox)</span>}
                </td>
                <td className="py-1 font-mono text-xs break-all">{c.name}</td>
                <td className="py-1 font-mono text-xs">{c.image ?? "—"}</td>
                <td className="py-1">{c.state}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
