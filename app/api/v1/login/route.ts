import { getLoginToken } from "@/server/dal";
import { clientAddress, requester } from "@/server/http/answer";
import { isThrottled, login, noteFailure, safeNext } from "@/server/http/login";
import { problemResponse } from "@/server/http/json";
import { readBodyLimited } from "@/server/http/read-body";

export const dynamic = "force-dynamic";

const see = (location: string, cookie?: string) =>
  new Response(null, { status: 303, headers: { location, "cache-control": "no-store", ...(cookie ? { "set-cookie": cookie } : {}) } });

/** The login form's target: token → session cookie (HttpOnly, SameSite=Strict) → back to where the user was going. */
export async function POST(request: Request): Promise<Response> {
  const token = getLoginToken();
  if (token === undefined) return see("/");
  const client = requester(request);
  const address = clientAddress(request);
  if (isThrottled(address)) return problemResponse(429, "Too many attempts", "wait a minute before trying again");
  const body = await readBodyLimited(request, 4096);
  if (body === "too-large") return problemResponse(413, "Request too large", "the login form is small");
  const form = new URLSearchParams(new TextDecoder().decode(body));
  const next = safeNext(form.get("next"));
  const cookie = login(form.get("token") ?? "", token, new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https");
  if (cookie === undefined) {
    noteFailure(address);
    console.log(JSON.stringify({ at: new Date().toISOString(), audit: "login-failed", who: client }));
    return see(`/login?error=1&next=${encodeURIComponent(next)}`);
  }
  console.log(JSON.stringify({ at: new Date().toISOString(), audit: "login", who: client }));
  return see(next, cookie);
}
