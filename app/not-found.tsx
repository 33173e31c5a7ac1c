import Link from "next/link";

export default function NotFound() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">Nothing lives at this address.</p>
      <Link className="mt-4 inline-block text-sm text-sky-700 underline dark:text-sky-400" href="/">
        Back to the node overview
      </Link>
    </div>
  );
}
