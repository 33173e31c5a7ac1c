import { sameSecret, SESSION_COOKIE, sessionValue } from "./security";

/** Where to go after logging in: a path on this agent only (never `//host` or a full URL). */
export function safeNext(next: string | null): string {
  return next !== null && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : "/";
}

/** Checks a submitted token; on success, the Set-Cookie value of the session. */
export function login(submitted: string, token: string, isHttps: boolean): string | undefined {
  if (!sameSecret(submitted, token)) return undefined;
  return `${SESSION_COOKIE}=${sessionValue(token)}; Path=/; HttpOnly; SameSite=Strict${isHttps ? "; Secure" : ""}`;
}

export const LOGOUT_COOKIE = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
