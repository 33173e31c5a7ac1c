import Link from "next/link";
import { OWNER_KIND_TEXT } from "@/server/contract/display";
import type { Owner } from "@/server/contract/snapshot";
import { useHrefs } from "../url/at-scope";
import type { pageHrefs } from "../url/routes";
import { OWNER_TONES } from "./owner-tones";

function href(owner: Owner, hrefs: typeof pageHrefs): string | undefined {
  if (owner.kind === "kubernetes-pod") return hrefs.pod(owner.namespace, owner.podName);
  if (owner.kind === "docker-container") return hrefs.container(owner.name);
  return undefined;
}

/** An owner with its kind's icon; pods and containers link to their stable pages. */
export function OwnerBadge({ owner }: { owner: Owner }) {
  const { glyph, one: label } = OWNER_KIND_TEXT[owner.kind];
  const text = owner.kind === "process" ? `pid ${owner.pid} ${owner.name}` : owner.name;
  const target = href(owner, useHrefs());
  const body = (
    <>
      <span aria-hidden className={`mr-1 ${OWNER_TONES[owner.kind].text}`}>
        {glyph}
      </span>
      <span className="sr-only">{label}: </span>
      <span className="break-all">{text}</span>
      {owner.kind === "docker-container" && owner.runtime === "podman" && <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">(podman)</span>}
    </>
  );
  return (
    <span className="inline-flex max-w-full items-baseline" data-owner-kind={owner.kind} title={label}>
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
