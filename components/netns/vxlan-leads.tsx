import type { Interface } from "@/server/contract/snapshot";

const FLOOD_MAC = "00:00:00:00:00:00";

/** Where a vxlan sends: its VNI and default remote, then its FDB (flood entries first), folded when long. */
export function VxlanLeads({ vxlan }: { vxlan: NonNullable<Interface["vxlan"]> }) {
  const port = vxlan.port === undefined ? "" : `:${vxlan.port}`;
  const fdb = [...(vxlan.fdb ?? [])].sort((a, b) => Number(b.mac === FLOOD_MAC) - Number(a.mac === FLOOD_MAC));
  const floods = fdb.filter((e) => e.mac === FLOOD_MAC).length;
  return (
    <span className="flex flex-col" data-testid="vxlan-leads">
      <span>
        {vxlan.id === undefined ? "vxlan" : `VNI ${vxlan.id}`}
        {vxlan.remote === undefined ? ", no default remote" : ` → ${vxlan.remote}${port}`}
      </span>
      {vxlan.fdb !== undefined && (
        <details>
          <summary className="cursor-pointer">
            FDB: {fdb.length + (vxlan.fdbDropped ?? 0)} entries{floods > 0 ? `, ${floods} flood` : ""}
          </summary>
          <ul className="font-mono" data-testid="vxlan-fdb">
            {fdb.map((e) => (
              <li key={`${e.mac}-${e.dst ?? ""}`} className="whitespace-nowrap">
                {e.mac === FLOOD_MAC ? "flood" : e.mac} → {e.dst ?? "?"}
                {e.vni === undefined ? "" : ` vni ${e.vni}`} <span className="text-slate-600 dark:text-slate-400">{e.isStatic ? "static" : "learned"}</span>
              </li>
            ))}
            {(vxlan.fdbDropped ?? 0) > 0 && <li>… {vxlan.fdbDropped} more not kept</li>}
          </ul>
        </details>
      )}
    </span>
  );
}
