import { sameSecret, SESSION_COOKIE, sessionValue } from "./security";

const WINDOW_MS = 60_000;
const MAX_FAILURES = 10;
const failures = new Map<string, number[]>();

/** Where to go after logging in: a path on this agent only (never `//host` or a full URL). */
export function safeNext(next: string | null): string {
  return next !== null && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : "/";
}

/** Too many wrong tokens from one client in the last minute. */
export function isThrottled(client: string, now = Date.now()): boolean {
  const recent = (failures.get(client) ?? []).filter((t) => now - t < WINDOW_MS);
  failures.set(client, recent);
  return recent.length >= MAX_FAILURES;
}

export function noteFailure(client: string, now = Date.now()): void {
  failures.set(client, [...(failures.get(client) ?? []), now]);
}

/** Checks a submitted token; on success, the Set-Cookie value of the session. */
export function login(submitted: string, token: string, isHttps: boolean): string | undefined {
  if (!sameSecret(submitted, token)) return undefined;
  return `${SESSION_COOKIE}=${sessionValue(token)}; Path=/; HttpOnly; SameSite=Strict${isHttps ? "; Secure" : ""}`;
}

export const LOGOUT_COOKIE = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
