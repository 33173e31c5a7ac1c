import { snapshotIdSchema } from "../contract/history";
import { snapshotViewSchema, type SnapshotView } from "../contract/snapshot";
import type { At } from "../dal";
import { CLIENT_HEADER } from "./front/client-header";
import { problemResponse } from "./json";
import { AUTH_HEADER } from "./security";

/** Runs a route's work and turns what can go wrong into a problem answer; never a bare 500. */
export async function answer(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof Error)) return problemResponse(503, "The node could not be read", String(err));
    // Matched by name, not by class: Next bundles the instrumentation hook (which creates the agent) apart from
    // each route, so the class a route imports need not be the one the agent's code threw.
    switch (err.name) {
      case "UnknownSnapshotError":
        return problemResponse(404, "No such snapshot", `${err.message}: it was never stored here or has been removed by the history's limits`);
      case "ExposeError":
        return problemResponse("status" in err && typeof err.status === "number" ? err.status : 400, "Expose refused", err.message);
      case "HistoryUnavailableError":
        return problemResponse(503, "The snapshot store is unavailable", err.message);
      default:
        return problemResponse(503, "The node could not be read", err.message);
    }
  }
}

/** `?at=<snapshot id>`: read from a stored snapshot instead of the node now. */
export function readAt(request: Request): { ok: true; at: At } | { ok: false; response: Response } {
  const raw = new URL(request.url).searchParams.get("at");
  if (raw === null || raw === "") return { ok: true, at: undefined };
  const at = snapshotIdSchema.safeParse(raw);
  if (!at.success) return { ok: false, response: problemResponse(400, "Malformed snapshot id", at.error.issues[0]?.message) };
  return { ok: true, at: at.data };
}

/** `?view=overview`: the snapshot without routes and counters (the pages that poll it); `full` by default. */
export function readView(request: Request): { ok: true; view: SnapshotView } | { ok: false; response: Response } {
  const raw = new URL(request.url).searchParams.get("view");
  const view = snapshotViewSchema.safeParse(raw === null || raw === "" ? "full" : raw);
  if (!view.success)
    return { ok: false, response: problemResponse(400, "Unknown snapshot view", `view must be one of: ${snapshotViewSchema.options.join(", ")}`) };
  return { ok: true, view: view.data };
}

/** "on this node now" or "in snapshot X", for 404 details. */
export const whereText = (at: At) => (at === undefined ? "on this node now" : `in snapshot ${at}`);

/** The client's address, as the front server determined it (server/http/front/client-address.ts). */
export function clientAddress(request: Request): string {
  return request.headers.get(CLIENT_HEADER) ?? "unknown";
}

/** Who asked for a write, for the audit log: how they got in (bearer, session, local), the client address, the user agent. */
export function requester(request: Request): string {
  const address = clientAddress(request);
  const agent = (request.headers.get("user-agent") ?? "no user agent").replace(/[^\x20-\x7e]/g, "?").slice(0, 120);
  const auth = request.headers.get(AUTH_HEADER) ?? "local";
  return `http ${auth} ${address} (${agent})`;
}
