import Link from "next/link";
import { bridgeLabel, cidr, netnsLabel } from "@/server/contract/display";
import type { SnapshotOverview } from "@/server/contract/snapshot";
import { OwnerBadge } from "../ui/owner-badge";
import { useHrefs } from "../url/at-scope";

/** The side panel for a clicked graph node: its namespace's owners and interfaces, and a link to its page: pure. */
export function NodePanel({ snapshot, nodeId, onClose }: { snapshot: SnapshotOverview; nodeId: string; onClose: () => void }) {
  const hrefs = useHrefs();
  const [kind, netnsId = "", ifindex] = nodeId.split(":");
  const netns = snapshot.netns.find((n) => n.id === netnsId);
  if (netns === undefined) {
    return (
      <aside className="w-96 shrink-0 rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="node-panel">
        This node is gone from the latest reading.
        <button type="button" onClick={onClose} className="ml-2 underline">
          close
        </button>
      </aside>
    );
  }
  const bridge = kind === "bridge" ? netns.interfaces.find((i) => String(i.ifindex) === ifindex) : undefined;
  const ports = bridge ? netns.interfaces.filter((i) => i.masterIfindex === bridge.ifindex) : [];
  return (
    <aside
      className="max-h-[75vh] w-96 shrink-0 space-y-3 overflow-y-auto rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900"
      data-testid="node-panel"
      aria-label="Selected node"
    >
      <div className="flex items-start justify-between gap-2">
        <h2 className="text-base font-semibold">{bridge ? bridgeLabel(bridge.name) : netnsLabel(netns)}</h2>
        <button type="button" onClick={onClose} aria-label="Close panel" className="rounded px-1 hover:bg-slate-100 dark:hover:bg-slate-800">
          ✕
        </button>
      </div>
      <p>
        <Link prefetch={false} href={hrefs.netns(netns.id, bridge?.ifindex)} className="text-sky-700 underline dark:text-sky-400">
          Open namespace {netns.id}
        </Link>
      </p>
      {!bridge && netns.owners.length > 0 && (
        <div className="flex flex-col gap-1">
          {netns.owners.map((o, k) => (
            <OwnerBadge key={k} owner={o} />
          ))}
        </div>
      )}
      {bridge ? (
        <div>
          <h3 className="font-medium">{ports.length} ports</h3>
          <ul className="font-mono text-xs">
            {ports.map((p) => (
              <li key={p.ifindex}>{p.name}</li>
            ))}
          </ul>
        </div>
      ) : (
        <ul className="space-y-1">
          {netns.interfaces.map((i) => (
            <li key={i.ifindex} className="font-mono text-xs">
              <span className="font-semibold">{i.name}</span> <span className="text-slate-600 dark:text-slate-400">{i.kind}</span> {i.operState}
              {i.addresses.length > 0 && <div className="pl-3">{i.addresses.map(cidr).join(" ")}</div>}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
