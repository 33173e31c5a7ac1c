"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { CopyLinkButton } from "../ui/copy-link-button";
import { ThemeToggle } from "../ui/theme-toggle";

/** The pages a hub serves: the cluster, each node through it, its own health and the login. */
export function isHubPage(pathname: string): boolean {
  return pathname === "/" || pathname === "/cluster" || pathname === "/n" || pathname.startsWith("/n/") || pathname === "/health" || pathname === "/login";
}

/** The header of a hub (a dashboard started with NSATLAS_AGENTS): it has no node of its own. */
export function HubHeader({ canLogOut = false }: { canLogOut?: boolean }) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <nav className="mx-auto flex max-w-7xl items-center gap-4 px-4 py-3" aria-label="Main">
        <Link prefetch={false} href="/cluster" className="text-lg font-semibold tracking-tight">
          nsatlas <span className="text-sm font-normal text-slate-500 dark:text-slate-400">hub</span>
        </Link>
        <Link prefetch={false} href="/cluster" className="text-sm text-slate-600 hover:underline dark:text-slate-300">
          Cluster
        </Link>
        <Link prefetch={false} href="/health" className="text-sm text-slate-600 hover:underline dark:text-slate-300">
          Hub
        </Link>
        <span className="ml-auto flex items-center gap-2">
          <CopyLinkButton />
          <ThemeToggle />
          {canLogOut && (
            <form method="post" action="/api/v1/logout">
              <button type="submit" className="rounded border border-slate-300 px-2 py-0.5 text-sm dark:border-slate-700">
                Log out
              </button>
            </form>
          )}
        </span>
      </nav>
    </header>
  );
}

/** On a hub, a single-node page (its API answers 409) says so instead, with the way to the cluster. */
export function HubGuard({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  if (isHubPage(pathname)) return <>{children}</>;
  return (
    <div
      role="alert"
      className="space-y-2 rounded-lg border border-sky-300 bg-sky-50 p-4 text-sky-950 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100"
      data-testid="hub-only"
    >
      <p className="font-semibold">This dashboard is a hub: it reads no node of its own.</p>
      <p className="text-sm">
        Every node it follows is on{" "}
        <Link prefetch={false} href="/cluster" className="underline">
          the cluster page
        </Link>
        ; a node&apos;s pages are under <span className="font-mono">/n/&lt;node&gt;/…</span> (for this one:{" "}
        <span className="font-mono">/n/&lt;node&gt;{pathname}</span>).
      </p>
    </div>
  );
}
