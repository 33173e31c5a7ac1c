import Link from "next/link";

export function AppHeader() {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-3">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          nsatlas
        </Link>
        <span className="text-sm text-slate-500 dark:text-slate-400">network namespaces of this node</span>
      </div>
    </header>
  );
}
