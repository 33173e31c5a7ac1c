/** The token form of an agent that listens beyond loopback: a plain HTML form (works before any script loads). */
export function LoginForm({ next, hasFailed }: { next: string; hasFailed: boolean }) {
  return (
    <form
      method="post"
      action="/api/v1/login"
      className="mx-auto mt-16 max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900"
    >
      <h1 className="text-xl font-semibold">Log in to nsatlas</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">This agent needs its token (NSATLAS_TOKEN).</p>
      {hasFailed && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          That token is not right.
        </p>
      )}
      <label className="block space-y-1 text-sm">
        <span>Token</span>
        <input
          name="token"
          type="password"
          required
          autoComplete="current-password"
          className="w-full rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
        />
      </label>
      <input type="hidden" name="next" value={next} />
      <button type="submit" className="rounded bg-sky-700 px-3 py-1 font-medium text-white">
        Log in
      </button>
    </form>
  );
}
