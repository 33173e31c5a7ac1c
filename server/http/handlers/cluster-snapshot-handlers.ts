/**
 * Frozen cluster snapshots (docs/hub.md "Frozen cluster snapshots"):
 *   POST /api/v1/cluster/snapshots              read every known node now and keep it: 201 with the record, 503 when no node answered
 *   GET  /api/v1/cluster/snapshots[/{id}]       the records, newest first, or one
 *   GET  /api/v1/n/{node}/snapshot|netns/{id}|pods/{ns}/{name}|containers/{ref} ?at=<cluster snapshot id>
 *        that node's snapshot in it, from the hub's store, answered by the single-node read code (read-handlers.ts,
 *        server/lookups); cluster-handlers.ts sends these here when `at` is given.
 */
import { nodeSegment } from "../../contract/cluster";
import { snapshotIdSchema } from "../../contract/history";
import type { Lookup } from "../../contract/lookups";
import type { Snapshot } from "../../contract/snapshot";
import type { ClusterSource } from "../../hub/cluster-source";
import { toOverview } from "../../snapshot/to-overview";
import { answer, requester } from "../answer";
import { jsonResponse, problemResponse } from "../json";
import { notAHub } from "./not-a-hub";
import { netnsHandler, snapshotHandler } from "./read-handlers";
import type { ReadSource } from "./read-source";

const LIST_HINT = "GET /api/v1/cluster/snapshots lists them";

export async function clusterFreezeHandler(request: Request, source: ClusterSource | undefined): Promise<Response> {
  if (source === undefined) return notAHub();
  return answer(async () => {
    const outcome = await source.snapshots.freeze(requester(request));
    if (!outcome.ok) {
      const why = outcome.missing.map((m) => `${m.name}: ${m.reason}`).join("; ");
      return problemResponse(503, "No node could be read", outcome.missing.length === 0 ? "this hub knows no node yet" : why);
    }
    const response = jsonResponse(outcome.record, 201);
    response.headers.set("location", `/api/v1/cluster/snapshots/${encodeURIComponent(outcome.record.id)}`);
    return response;
  });
}

export function clusterSnapshotListHandler(source: ClusterSource | undefined): Response {
  if (source === undefined) return notAHub();
  return jsonResponse(source.snapshots.list());
}

export async function clusterSnapshotHandler(rawId: string, source: ClusterSource | undefined): Promise<Response> {
  if (source === undefined) return notAHub();
  const id = snapshotIdSchema.safeParse(rawId);
  if (!id.success) return problemResponse(400, "Malformed snapshot id", id.error.issues[0]?.message);
  return answer(async () => {
    const record = source.snapshots.get(id.data);
    return record === undefined
      ? problemResponse(404, "No such cluster snapshot", `no cluster snapshot has the id ${id.data}: ${LIST_HINT}`)
      : jsonResponse(record);
  });
}

/** The node's stored snapshot in the cluster snapshot `at`, as the read code's source; or the 404 naming what is missing. */
function frozenNode(source: ClusterSource, at: string, node: string): { ok: true; snapshot: Snapshot } | { ok: false; response: Response } {
  const found = source.snapshots.node(at, node);
  const missing = (title: string, detail: string) => ({ ok: false as const, response: withFrozen(problemResponse(404, title, detail), node) });
  switch (found.kind) {
    case "found":
      return { ok: true, snapshot: found.snapshot };
    case "no-cluster-snapshot":
      return missing("No such cluster snapshot", `no cluster snapshot has the id ${at}: ${LIST_HINT}`);
    case "not-in-it":
      return missing(
        `Node ${node} is not in cluster snapshot ${at}`,
        found.reason === undefined
          ? `the hub did not know node ${node} when it froze the cluster (it had ${found.record.nodes.map((n) => n.name).join(", ")})`
          : `node ${node} could not be read when the cluster was frozen: ${found.reason}`,
      );
    case "removed":
      return missing("No such snapshot", `node ${node}'s snapshot ${found.snapshotId} in cluster snapshot ${at} was removed by the store's size limit`);
  }
}

function withFrozen(response: Response, node: string): Response {
  response.headers.set("x-nsatlas-node", nodeSegment(node));
  response.headers.set("x-nsatlas-source", "cluster-snapshot");
  return response;
}

/** One stored snapshot as the read handlers' source: `at` was resolved to it already. */
function storedSource(snapshot: Snapshot): ReadSource {
  return {
    view: (view) => Promise.resolve(view === "overview" ? toOverview(snapshot) : snapshot),
    netns: (id) => Promise.resolve(snapshot.netns.find((n) => n.id === id)),
  };
}

async function frozenRead(source: ClusterSource, at: string, node: string, read: (snapshot: Snapshot) => Promise<Response>): Promise<Response> {
  return answer(async () => {
    const found = frozenNode(source, at, node);
    return found.ok ? withFrozen(await read(found.snapshot), node) : found.response;
  });
}

/** GET /api/v1/n/{node}/snapshot?at=<cluster snapshot id>[&view=]. */
export function frozenSnapshotHandler(request: Request, source: ClusterSource, at: string, node: string): Promise<Response> {
  return frozenRead(source, at, node, (snapshot) => snapshotHandler(request, storedSource(snapshot)));
}

/** GET /api/v1/n/{node}/netns/{id}?at=<cluster snapshot id>. */
export function frozenNetnsHandler(request: Request, source: ClusterSource, at: string, node: string, rawId: string): Promise<Response> {
  return frozenRead(source, at, node, (snapshot) => netnsHandler(request, rawId, storedSource(snapshot)));
}

/** GET /api/v1/n/{node}/pods/{ns}/{name} and /containers/{ref} at a cluster snapshot: looked up as the single-node routes look up. */
export function frozenLookupHandler(
  source: ClusterSource,
  at: string,
  node: string,
  find: (snapshot: Snapshot) => Lookup | undefined,
  notFound: string,
): Promise<Response> {
  return frozenRead(source, at, node, (snapshot) => {
    const found = find(snapshot);
    return Promise.resolve(
      found === undefined ? problemResponse(404, notFound, `${notFound.toLowerCase()} on node ${node} in cluster snapshot ${at}`) : jsonResponse(found),
    );
  });
}
