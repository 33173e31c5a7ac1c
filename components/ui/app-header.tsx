import Link from "next/link";
import { CopyLinkButton } from "./copy-link-button";
import { ThemeToggle } from "./theme-toggle";

export interface HeaderLink {
  href: string;
  label: string;
}

const NODE_LINKS: HeaderLink[] = [
  { href: "/", label: "Namespaces" },
  { href: "/topology", label: "Topology" },
  { href: "/health", label: "Agent" },
];

/**
 * The top bar: the name (to `home`, with a `badge` such as "hub"), the main pages, copy link and theme.
 * canLogOut: the visitor came in with a session cookie (a token-protected agent).
 */
export function AppHeader({
  canLogOut = false,
  home = "/",
  badge,
  links = NODE_LINKS,
}: {
  canLogOut?: boolean;
  home?: string;
  badge?: string;
  links?: HeaderLink[];
}) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <nav className="mx-auto flex max-w-7xl items-center gap-4 px-4 py-3" aria-label="Main">
        <Link prefetch={false} href={home} className="text-lg font-semibold tracking-tight">
          nsatlas{badge && <span className="text-sm font-normal text-slate-500 dark:text-slate-400"> {badge}</span>}
        </Link>
        {links.map((l) => (
          <Link key={l.href} prefetch={false} href={l.href} className="text-sm text-slate-600 hover:underline dark:text-slate-300">
            {l.label}
          </Link>
        ))}
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
