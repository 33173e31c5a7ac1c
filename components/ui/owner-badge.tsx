import Link from "next/link";
import type { Owner } from "@/server/contract/snapshot";
import { useHrefs } from "../url/at-scope";
import type { pageHrefs } from "../url/routes";

const ICONS: Record<Owner["kind"], { glyph: string; label: string; tone: string }> = {
  "kubernetes-pod": { glyph: "☸", label: "Kubernetes pod", tone: "text-sky-700 dark:text-sky-300" },
  "docker-container": { glyph: "▣", label: "container", tone: "text-indigo-700 dark:text-indigo-300" },
  "podman-pod": { glyph: "⬡", label: "podman pod", tone: "text-violet-700 dark:text-violet-300" },
  "ip-netns": { glyph: "◎", label: "ip netns name", tone: "text-emerald-700 dark:text-emerald-300" },
  process: { glyph: "⚙", label: "process", tone: "text-amber-700 dark:text-amber-300" },
};

function href(owner: Owner, hrefs: typeof pageHrefs): string | undefined {
  if (owner.kind === "kubernetes-pod") return hrefs.pod(owner.namespace, owner.podName);
  if (owner.kind === "docker-container") return hrefs.container(owner.name);
  return undefined;
}

/** An owner with its kind's icon; pods and containers link to their stable pages. */
export function OwnerBadge({ owner }: { owner: Owner }) {
  const icon = ICONS[owner.kind];
  const text = owner.kind === "process" ? `pid ${owner.pid} ${owner.name}` : owner.name;
  const target = href(owner, useHrefs());
  const body = (
    <>
      <span aria-hidden className={`mr-1 ${icon.tone}`}>
        {icon.glyph}
      </span>
      <span className="sr-only">{icon.label}: </span>
      <span className="break-all">{text}</span>
      {owner.kind === "docker-container" && owner.runtime === "podman" && <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">(podman)</span>}
    </>
  );
  return (
    <span className="inline-flex max-w-full items-baseline" data-owner-kind={owner.kind} title={icon.label}>
      {target ? (
        <Link prefetch={false} href={target} className="hover:underline">
          {body}
        </Link>
      ) : (
        body
      )}
    </span>
  );
}
