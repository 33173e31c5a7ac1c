import { LOGOUT_COOKIE } from "@/server/http/login";

export const dynamic = "force-dynamic";

export async function POST(): Promise<Response> {
  return new Response(null, { status: 303, headers: { location: "/login", "set-cookie": LOGOUT_COOKIE, "cache-control": "no-store" } });
}
