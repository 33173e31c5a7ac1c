import Link from "next/link";
import { CopyLinkButton } from "./copy-link-button";
import { ThemeToggle } from "./theme-toggle";

export function AppHeader() {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <nav className="mx-auto flex max-w-7xl items-center gap-4 px-4 py-3" aria-label="Main">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          nsatlas
        </Link>
        <Link href="/" className="text-sm text-slate-600 hover:underline dark:text-slate-300">
          Namespaces
        </Link>
        <Link href="/topology" className="text-sm text-slate-600 hover:underline dark:text-slate-300">
          Topology
        </Link>
        <Link href="/health" className="text-sm text-slate-600 hover:underline dark:text-slate-300">
          Agent
        </Link>
        <span className="ml-auto flex items-center gap-2">
          <CopyLinkButton />
          <ThemeToggle />
        </span>
      </nav>
    </header>
  );
}
