/**
 * The process is stopping: event streams end when this signal aborts. One per process on globalThis,
 * because the dashboard's event route is bundled apart from the front server that aborts it.
 */
const SHUTDOWN_KEY = Symbol.for("nsatlas.shutdown");
type GlobalWithShutdown = typeof globalThis & { [SHUTDOWN_KEY]?: AbortController };

export function processShutdown(): AbortController {
  const g: GlobalWithShutdown = globalThis;
  g[SHUTDOWN_KEY] ??= new AbortController();
  return g[SHUTDOWN_KEY];
}
