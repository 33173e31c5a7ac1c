/**
 * Next.js calls register() once when the server starts: the history starts recording the node then,
 * not on the first page view. (A root file because Next looks for it here.)
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startAgent } = await import("./server/dal");
  startAgent();
}
