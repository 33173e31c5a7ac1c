"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/**
 * The loud amber frame of every "not live" banner: what is frozen, its detail, its id, the banner's own links and
 * "Go live" (this page with `liveQuery`, the query string without what froze it).
 */
export function FrozenFrame({
  testId,
  title,
  detail,
  id,
  links,
  liveQuery,
  className = "",
}: {
  testId: string;
  title: ReactNode;
  detail: ReactNode;
  id: string;
  links: ReactNode;
  liveQuery: string;
  className?: string;
}) {
  const pathname = usePathname();
  return (
    <div
      role="status"
      data-testid={testId}
      className={`flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border-2 border-amber-400 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100 ${className}`}
    >
      <span className="font-semibold">❄ Not live: {title}</span>
      <span>{detail}</span>
      <span className="font-mono text-xs">{id}</span>
      <span className="ml-auto flex flex-wrap gap-3">
        {links}
        <Link prefetch={false} href={liveQuery === "" ? pathname : `${pathname}?${liveQuery}`} className="font-semibold underline" data-testid="go-live">
          Go live
        </Link>
      </span>
    </div>
  );
}
