/**
 * Failed authentications (wrong bearer tokens, wrong login tokens) counted per client address over
 * a sliding minute. Past the limit that client's attempts are refused with 429 until its oldest
 * failure ages out; other clients are not affected and successes are never counted. The state is on
 * globalThis because the dashboard's front server and its login route are bundled apart.
 */
export const FAILURE_LIMIT = 10;
export const FAILURE_WINDOW_MS = 60_000;
/** Bounds the memory a flood of addresses can take: the oldest client is forgotten first. */
const MAX_CLIENTS = 10_000;

const THROTTLE_KEY = Symbol.for("nsatlas.auth-throttle");
type GlobalWithThrottle = typeof globalThis & { [THROTTLE_KEY]?: Map<string, number[]> };

function failures(): Map<string, number[]> {
  const g: GlobalWithThrottle = globalThis;
  g[THROTTLE_KEY] ??= new Map();
  return g[THROTTLE_KEY];
}

function recent(client: string, now: number): number[] {
  const kept = (failures().get(client) ?? []).filter((at) => now - at < FAILURE_WINDOW_MS);
  if (kept.length === 0) failures().delete(client);
  else failures().set(client, kept);
  return kept;
}

/** Seconds until this client may try again, or undefined when it is not throttled. */
export function retryAfterSeconds(client: string, now = Date.now()): number | undefined {
  const kept = recent(client, now);
  if (kept.length < FAILURE_LIMIT) return undefined;
  const oldest = kept[kept.length - FAILURE_LIMIT] ?? now;
  return Math.max(1, Math.ceil((oldest + FAILURE_WINDOW_MS - now) / 1000));
}

export function noteAuthFailure(client: string, now = Date.now()): void {
  const map = failures();
  const kept = recent(client, now);
  map.delete(client);
  map.set(client, [...kept, now].slice(-FAILURE_LIMIT));
  if (map.size > MAX_CLIENTS) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
}
