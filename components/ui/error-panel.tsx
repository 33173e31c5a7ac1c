export function ErrorPanel({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-rose-300 bg-rose-50 p-4 text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200">
      <p className="font-semibold">{title}</p>
      <p className="mt-1 font-mono text-sm break-words">{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} className="mt-3 rounded border border-current px-3 py-1 text-sm hover:bg-rose-100 dark:hover:bg-rose-900">
          Try again
        </button>
      )}
    </div>
  );
}
