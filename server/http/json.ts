import type { Problem } from "../contract/problem";

const NO_STORE = { "cache-control": "no-store" };

/** A JSON answer that no cache keeps: every reading of the node is live. */
export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

/** An RFC 9457 problem answer. */
export function problemResponse(status: number, title: string, detail?: string): Response {
  const body: Problem = { type: "about:blank", title, status, ...(detail === undefined ? {} : { detail }) };
  return Response.json(body, { status, headers: { ...NO_STORE, "content-type": "application/problem+json" } });
}
