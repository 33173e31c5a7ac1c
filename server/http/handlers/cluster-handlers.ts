/**
 * Hub mode's routes (docs/hub.md, docs/api.md "Cluster"): parse → one call on the hub → JSON or a problem.
 *   GET /api/v1/cluster/nodes | /search?q= | /topology                   from the hub's cache (topology: + routes, 2 s)
 *   GET /api/v1/n/{node}/snapshot[?view=&at=] | /netns/{id}[?at=]        the owning agent's same route, streamed
 *   GET /api/v1/n/{node}/pods/{ns}/{name}[?at=] | /containers/{ref}[?at=] looked up in the agent's snapshot (the agent
 *                                                                          serves no such route)
 * An unknown node is 404; an agent that fails is 502, one that does not answer in time 504, each naming the node.
 * Every answer about a node carries `x-nsatlas-node` (the name, percent-encoded).
 */
import { nodeSegment, searchQuerySchema } from "../../contract/cluster";
import { containerRefSchema, k8sNamespaceSchema, podNameSchema, type Lookup } from "../../contract/lookups";
import { netnsIdSchema, type Snapshot } from "../../contract/snapshot";
import type { AgentFailure, ClusterSource, NodeAccess } from "../../hub/cluster-source";
import { readSome } from "../../hub/stream-answer";
import { findContainer, findPod } from "../../lookups/find-owner";
import { readAt, readView } from "../answer";
import { jsonResponse, problemResponse } from "../json";

const NOT_A_HUB = "this dashboard is not a hub: start it with NSATLAS_AGENTS to follow node agents (docs/hub.md)";
/** A node name as a path segment: what Kubernetes allows, and more (NSATLAS_NODE_NAME may be any hostname). */
const NODE_NAME_MAX = 253;

function notAHub(): Response {
  return problemResponse(404, "Not a hub", NOT_A_HUB);
}

function withNode(response: Response, node: string): Response {
  response.headers.set("x-nsatlas-node", nodeSegment(node));
  return response;
}

export function clusterNodesHandler(source: ClusterSource | undefined): Response {
  if (source === undefined) return notAHub();
  return jsonResponse(source.nodes());
}

export function clusterSearchHandler(request: Request, source: ClusterSource | undefined): Response {
  if (source === undefined) return notAHub();
  const q = searchQuerySchema.safeParse(new URL(request.url).searchParams.get("q") ?? "");
  if (!q.success) return problemResponse(400, "Malformed search query", `q: ${q.error.issues[0]?.message ?? "invalid"} (1 to 200 characters)`);
  return jsonResponse(source.search(q.data));
}

export async function clusterTopologyHandler(request: Request, source: ClusterSource | undefined): Promise<Response> {
  if (source === undefined) return notAHub();
  return jsonResponse(await source.topology(request.signal));
}

/** The node a route names, or the problem to answer. */
function nodeFor(rawNode: string, source: ClusterSource | undefined): { ok: true; node: NodeAccess } | { ok: false; response: Response } {
  if (source === undefined) return { ok: false, response: notAHub() };
  if (rawNode === "" || rawNode.length > NODE_NAME_MAX || /[\u0000-\u001f\u007f]/.test(rawNode)) {
    return { ok: false, response: problemResponse(400, "Malformed node name", `a node name has 1 to ${NODE_NAME_MAX} characters and no control characters`) };
  }
  const node = source.forNode(rawNode);
  if (node === undefined) {
    return {
      ok: false,
      response: problemResponse(404, "No such node", `this hub knows no node named ${JSON.stringify(rawNode)}: GET /api/v1/cluster/nodes lists them`),
    };
  }
  return { ok: true, node };
}

/** 504 when the agent did not answer in time, 502 otherwise; both name the node. */
function failed(node: string, failure: AgentFailure): Response {
  const response = failure.isTimeout
    ? problemResponse(504, `Node ${node} did not answer in time`, failure.message)
    : problemResponse(502, `Node ${node} could not be read`, `${failure.kind}: ${failure.message}`);
  return withNode(response, node);
}

/** A node the hub cannot talk to at all (wrong token, another contract): say so without asking. */
function refusedAtOnce(node: NodeAccess): Response | undefined {
  if (node.state !== "unauthorized" && node.state !== "version-mismatch") return undefined;
  return failed(node.name, { kind: node.state, message: node.error ?? node.state, isTimeout: false });
}

/** Hands the agent's answer on: a 200 streamed, a 4xx problem as it is, a refused token or a 5xx as 502. */
async function passOn(node: NodeAccess, pathAndQuery: string, signal: AbortSignal): Promise<Response> {
  const answer = await node.get(pathAndQuery, signal);
  if (!answer.ok) return failed(node.name, answer.failure);
  const { status, contentType, body } = answer.value;
  if (status === 200) {
    return withNode(new Response(body, { status, headers: { "content-type": contentType, "cache-control": "no-store" } }), node.name);
  }
  const text = await readSome(body);
  if (status === 401 || status === 403) {
    return failed(node.name, { kind: "unauthorized", message: `the agent refused the hub's token (HTTP ${status})`, isTimeout: false });
  }
  if (status >= 400 && status < 500 && contentType.startsWith("application/problem+json")) {
    return withNode(new Response(text, { status, headers: { "content-type": contentType, "cache-control": "no-store" } }), node.name);
  }
  return failed(node.name, { kind: "error", message: `the agent answered HTTP ${status}: ${text.slice(0, 300)}`, isTimeout: false });
}

/** GET /api/v1/n/{node}/snapshot[?view=&at=]: an up node's overview from the hub's cache, anything else from the agent. */
export async function nodeSnapshotHandler(request: Request, rawNode: string, source: ClusterSource | undefined): Promise<Response> {
  const found = nodeFor(rawNode, source);
  if (!found.ok) return found.response;
  const { node } = found;
  const at = readAt(request);
  if (!at.ok) return at.response;
  const view = readView(request);
  if (!view.ok) return view.response;
  const cached = view.view === "overview" && at.at === undefined ? node.cachedOverview() : undefined;
  if (cached !== undefined) {
    const response = withNode(jsonResponse(cached), node.name);
    response.headers.set("x-nsatlas-source", "hub-cache");
    return response;
  }
  const refused = refusedAtOnce(node);
  if (refused !== undefined) return refused;
  const query = new URLSearchParams({ view: view.view });
  if (at.at !== undefined) query.set("at", at.at);
  return passOn(node, `/api/v1/snapshot?${query.toString()}`, request.signal);
}

/** GET /api/v1/n/{node}/netns/{id}[?at=]: the agent's namespace answer (with its listeners), streamed. */
export async function nodeNetnsHandler(request: Request, rawNode: string, rawId: string, source: ClusterSource | undefined): Promise<Response> {
  const found = nodeFor(rawNode, source);
  if (!found.ok) return found.response;
  const id = netnsIdSchema.safeParse(rawId);
  if (!id.success) return problemResponse(400, "Malformed namespace id", "a namespace id is its inode as a decimal number, e.g. 4026531993");
  const at = readAt(request);
  if (!at.ok) return at.response;
  const refused = refusedAtOnce(found.node);
  if (refused !== undefined) return refused;
  const query = at.at === undefined ? "" : `?at=${encodeURIComponent(at.at)}`;
  return passOn(found.node, `/api/v1/netns/${id.data}${query}`, request.signal);
}

async function lookUp(request: Request, node: NodeAccess, find: (snapshot: Snapshot) => Lookup | undefined, notFound: string): Promise<Response> {
  const at = readAt(request);
  if (!at.ok) return at.response;
  const refused = refusedAtOnce(node);
  if (refused !== undefined) return refused;
  const snapshot = await node.snapshot(at.at, request.signal);
  if (!snapshot.ok) {
    // A stored snapshot the agent does not have is the agent's 404, not a failure of the node.
    if (snapshot.failure.kind === "error" && /HTTP 404/.test(snapshot.failure.message)) {
      return withNode(problemResponse(404, "No such snapshot", `node ${node.name}: ${snapshot.failure.message}`), node.name);
    }
    return failed(node.name, snapshot.failure);
  }
  const found = find(snapshot.value);
  if (found === undefined)
    return withNode(
      problemResponse(404, notFound, `${notFound.toLowerCase()} on node ${node.name}${at.at === undefined ? " now" : ` in snapshot ${at.at}`}`),
      node.name,
    );
  return withNode(jsonResponse(found), node.name);
}

/** GET /api/v1/n/{node}/pods/{ns}/{name}[?at=]: the pod and its namespaces, from the agent's snapshot. */
export async function nodePodHandler(
  request: Request,
  rawNode: string,
  rawNamespace: string,
  rawName: string,
  source: ClusterSource | undefined,
): Promise<Response> {
  const found = nodeFor(rawNode, source);
  if (!found.ok) return found.response;
  const namespace = k8sNamespaceSchema.safeParse(rawNamespace);
  const name = podNameSchema.safeParse(rawName);
  if (!namespace.success) return problemResponse(400, "Malformed Kubernetes namespace", namespace.error.issues[0]?.message);
  if (!name.success) return problemResponse(400, "Malformed pod name", name.error.issues[0]?.message);
  return lookUp(request, found.node, (s) => findPod(s, namespace.data, name.data), `No pod ${namespace.data}/${name.data}`);
}

/** GET /api/v1/n/{node}/containers/{nameOrId}[?at=]: the container and its namespaces, from the agent's snapshot. */
export async function nodeContainerHandler(request: Request, rawNode: string, rawRef: string, source: ClusterSource | undefined): Promise<Response> {
  const found = nodeFor(rawNode, source);
  if (!found.ok) return found.response;
  const ref = containerRefSchema.safeParse(rawRef);
  if (!ref.success) return problemResponse(400, "Malformed container name or id", ref.error.issues[0]?.message);
  return lookUp(request, found.node, (s) => findContainer(s, ref.data), `No container ${ref.data}`);
}
