"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { AppHeader, type HeaderLink } from "../ui/app-header";

/** The pages a hub serves: the cluster, each node through it, its own health and the login. */
export function isHubPage(pathname: string): boolean {
  return pathname === "/" || pathname === "/cluster" || pathname === "/n" || pathname.startsWith("/n/") || pathname === "/health" || pathname === "/login";
}

const HUB_LINKS: HeaderLink[] = [
  { href: "/cluster", label: "Cluster" },
  { href: "/health", label: "Hub" },
];

/** The header of a hub (a dashboard started with NSATLAS_AGENTS): it has no node of its own. */
export function HubHeader({ canLogOut = false }: { canLogOut?: boolean }) {
  return <AppHeader canLogOut={canLogOut} home="/cluster" badge="hub" links={HUB_LINKS} />;
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
