import Link from "next/link";
import { CopyLinkButton } from "./copy-link-button";
import { ThemeToggle } from "./theme-toggle";

/** canLogOut: the visitor came in with a session cookie (a token-protected agent). */
export function AppHeader({ canLogOut = false }: { canLogOut?: boolean }) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <nav className="mx-auto flex max-w-7xl items-center gap-4 px-4 py-3" aria-label="Main">
        <Link prefetch={false} href="/" className="text-lg font-semibold tracking-tight">
          nsatlas
        </Link>
        <Link prefetch={false} href="/" className="text-sm text-slate-600 hover:underline dark:text-slate-300">
          Namespaces
        </Link>
        <Link prefetch={false} href="/topology" className="text-sm text-slate-600 hover:underline dark:text-slate-300">
          Topology
        </Link>
        <Link prefetch={false} href="/health" className="text-sm text-slate-600 hover:underline dark:text-slate-300">
          Agent
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
