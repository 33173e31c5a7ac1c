import Link from "next/link";
import {
  bridgeLabel,
  cidr,
  enterCommands,
  ifaceName,
  listenerProcessesText,
  listenerText,
  netnsIdLabel,
  netnsLabel,
  refParts,
  routeText,
} from "@/server/contract/display";
import { LOCAL_ROUTE_TABLE, type Interface, type Netns, type SnapshotOverview } from "@/server/contract/snapshot";
import { CopyButton } from "../ui/copy-button";
import { OwnerBadge } from "../ui/owner-badge";
import { useHrefs } from "../url/at-scope";
import { formatBytes } from "./format-bytes";
import { VxlanLeads } from "./vxlan-leads";

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="space-y-2" data-testid={testId}>
      <h2 className="text-base font-semibold">{title}</h2>
      {children}
    </section>
  );
}

/** "eth0 in nslab-shop/cart-0, on bridge docker0": where an interface's other end is, from the snapshot. */
function Leads({ iface, netns, snapshot }: { iface: Interface; netns: Netns; snapshot: SnapshotOverview | undefined }) {
  const hrefs = useHrefs();
  const target = iface.peer ?? iface.parent;
  if (iface.isPeerMissing) return <span className="text-rose-700 dark:text-rose-300">peer not found</span>;
  const master = iface.masterIfindex === undefined ? undefined : netns.interfaces.find((i) => i.ifindex === iface.masterIfindex);
  const parts: React.ReactNode[] = [];
  if (target !== undefined) {
    const other = snapshot?.netns.find((n) => n.id === target.netnsId);
    const otherIface = other?.interfaces.find((i) => i.ifindex === target.ifindex);
    const otherMaster = otherIface?.masterIfindex === undefined ? undefined : other?.interfaces.find((i) => i.ifindex === otherIface.masterIfindex);
    const where = target.netnsId === netns.id ? "here" : other === undefined ? netnsIdLabel(target.netnsId) : other.isHost ? "the host" : netnsLabel(other);
    parts.push(
      <span key="target">
        {iface.peer ? "↔ " : "on "}
        <Link
          prefetch={false}
          href={hrefs.netns(target.netnsId, target.ifindex)}
          className="text-sky-700 hover:underline dark:text-sky-400"
          data-testid="leads-to"
        >
          {ifaceName(other, target.ifindex)} in {where}
        </Link>
        {otherMaster && <span>, on {bridgeLabel(otherMaster.name)}</span>}
      </span>,
    );
  }
  if (iface.vxlan !== undefined) parts.push(<VxlanLeads key="vxlan" vxlan={iface.vxlan} />);
  if (master !== undefined) parts.push(<span key="master">port of {master.name}</span>);
  if (iface.kind === "bridge") {
    const ports = netns.interfaces.filter((i) => i.masterIfindex === iface.ifindex).length;
    parts.push(<span key="ports">{ports} ports</span>);
  }
  return parts.length === 0 ? <span className="text-slate-600 dark:text-slate-400">—</span> : <span className="flex flex-col">{parts}</span>;
}

/** One namespace in full: owners, what holds it, how to enter it, interfaces, routes, listeners: pure. */
export function NetnsSections({ netns, snapshot, focusedIfindex }: { netns: Netns; snapshot: SnapshotOverview | undefined; focusedIfindex?: number }) {
  const commands = enterCommands(netns);
  const routes = netns.routes.filter((r) => r.table !== LOCAL_ROUTE_TABLE);
  return (
    <div className="space-y-6">
      <div className="grid gap-4 md:grid-cols-2">
        <Section title="Owners">
          <div className="flex flex-col gap-1">
            {netns.isHost && <span className="font-semibold">the host namespace</span>}
            {netns.owners.map((o, i) => (
              <OwnerBadge key={`${o.kind}-${i}`} owner={o} />
            ))}
            {netns.owners.length === 0 && !netns.isHost && (
              <span className="text-slate-600 dark:text-slate-400">no owner: held only by what is listed on the right</span>
            )}
          </div>
        </Section>
        <Section title="Held by" testId="held-by">
          <ul className="font-mono text-xs">
            {refParts(netns).map((item) => (
              <li key={item} className="break-all">
                {item}
              </li>
            ))}
          </ul>
        </Section>
      </div>
      {commands.length > 0 && (
        <Section title="Enter it" testId="enter-commands">
          <ul className="space-y-1">
            {commands.map((c) => (
              <li key={c} className="flex items-center gap-2">
                <code className="rounded bg-slate-100 px-2 py-1 text-xs break-all dark:bg-slate-800">{c}</code>
                <CopyButton text={c} />
              </li>
            ))}
          </ul>
        </Section>
      )}
      <Section title={`Interfaces (${netns.interfaces.length})`} testId="interfaces">
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
              <tr>
                {["Name", "Kind", "State", "MTU", "MAC", "Addresses", "Leads to", "rx / tx", "errors", "drops"].map((h) => (
                  <th key={h} scope="col" className="px-3 py-2">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {netns.interfaces.map((i) => (
                <tr
                  key={i.ifindex}
                  id={`if-${i.ifindex}`}
                  data-iface={i.name}
                  data-focused={i.ifindex === focusedIfindex ? "true" : undefined}
                  className={`border-t border-slate-100 align-top dark:border-slate-800 ${i.ifindex === focusedIfindex ? "bg-amber-50 dark:bg-amber-950" : ""}`}
                >
                  <td className="px-3 py-2 font-medium whitespace-nowrap">{i.name}</td>
                  <td className="px-3 py-2">{i.kind}</td>
                  <td className="px-3 py-2">
                    <span
                      className={
                        i.operState === "up" || (i.isUp && i.operState === "unknown")
                          ? "text-emerald-700 dark:text-emerald-400"
                          : "text-slate-600 dark:text-slate-400"
                      }
                    >
                      {i.operState}
                    </span>
                    {i.isPromiscuous && <span className="ml-1 text-xs text-amber-800 dark:text-amber-300">promisc</span>}
                  </td>
                  <td className="px-3 py-2 tabular-nums">{i.mtu}</td>
                  <td className="px-3 py-2 font-mono text-xs">{i.mac ?? "—"}</td>
                  <td className="px-3 py-2 font-mono text-xs" data-testid="addresses">
                    {i.addresses.map(cidr).map((a) => (
                      <div key={a}>{a}</div>
                    ))}
                  </td>
                  <td className="px-3 py-2 text-xs">
                    <Leads iface={i} netns={netns} snapshot={snapshot} />
                  </td>
                  <td className="px-3 py-2 text-xs tabular-nums whitespace-nowrap">
                    {i.stats ? `${formatBytes(i.stats.rxBytes)} / ${formatBytes(i.stats.txBytes)}` : "—"}
                  </td>
                  <td
                    className={`px-3 py-2 text-xs tabular-nums ${(i.stats?.rxErrors ?? 0) + (i.stats?.txErrors ?? 0) > 0 ? "text-rose-700 dark:text-rose-300" : ""}`}
                  >
                    {i.stats ? `${i.stats.rxErrors} / ${i.stats.txErrors}` : "—"}
                  </td>
                  <td
                    className={`px-3 py-2 text-xs tabular-nums ${(i.stats?.rxDropped ?? 0) + (i.stats?.txDropped ?? 0) > 0 ? "text-amber-800 dark:text-amber-300" : ""}`}
                  >
                    {i.stats ? `${i.stats.rxDropped} / ${i.stats.txDropped}` : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <div className="grid gap-6 lg:grid-cols-2">
        <Section title={`Routes (${routes.length}, local table hidden)`} testId="routes">
          <ul className="font-mono text-xs">
            {routes.map((r, k) => (
              <li key={k}>
                {routeText(r, (ifindex) => ifaceName(netns, ifindex))} <span className="text-slate-600 dark:text-slate-400">{r.protocol}</span>
              </li>
            ))}
          </ul>
        </Section>
        <Section title="Listening sockets" testId="listeners">
          {netns.listeners === undefined ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>
          ) : netns.listeners.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Nothing listens here.</p>
          ) : (
            <ul className="font-mono text-xs">
              {netns.listeners.map((l, k) => (
                <li key={k}>
                  {listenerText(l)} <span className="text-slate-600 dark:text-slate-400">{listenerProcessesText(l)}</span>
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>
      {netns.errors.length > 0 && (
        <Section title="Problems reading it">
          <ul className="text-sm text-rose-700 dark:text-rose-300">
            {netns.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}
