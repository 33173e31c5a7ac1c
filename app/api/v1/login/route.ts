import { auditLogin, getLoginToken } from "@/server/dal";
import { clientAddress, requester } from "@/server/http/answer";
import { noteAuthFailure, retryAfterSeconds } from "@/server/http/front/auth-throttle";
import { login, safeNext } from "@/server/http/login";
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
  // The front server refuses a throttled client before it gets here; this holds for requests it did not see (next dev).
  const retryAfter = retryAfterSeconds(address);
  if (retryAfter !== undefined) {
    const refusal = problemResponse(429, "Too many failed authentications", `try again in ${retryAfter} s`);
    refusal.headers.set("retry-after", String(retryAfter));
    return refusal;
  }
  const body = await readBodyLimited(request, 4096);
  if (body === "too-large") return problemResponse(413, "Request too large", "the login form is small");
  const form = new URLSearchParams(new TextDecoder().decode(body));
  const next = safeNext(form.get("next"));
  const cookie = login(form.get("token") ?? "", token, new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https");
  if (cookie === undefined) {
    noteAuthFailure(address);
    auditLogin(false, client);
    return see(`/login?error=1&next=${encodeURIComponent(next)}`);
  }
  auditLogin(true, client);
  return see(next, cookie);
}
