/**
 * Hub mode's routes (docs/hub.md, docs/api.md "Cluster"): parse → one call on the hub → JSON or a problem.
 *   GET /api/v1/cluster/nodes | /search?q= | /topology                   from the hub's cache (topology: + routes, 2 s)
 *   GET /api/v1/n/{node}/snapshot[?view=] | /netns/{id}                  the owning agent's same route, streamed
 *   GET /api/v1/n/{node}/pods/{ns}/{name} | /containers/{ref}             looked up in the agent's snapshot (the agent
 *                                                                          serves no such route)
 *   … ?at=<cluster snapshot id>                                           from the hub's store (cluster-snapshot-handlers.ts)
 * An unknown node is 404; an agent that fails is 502, one that does not answer in time 504, each naming the node.
 * Every answer about a node carries `x-nsatlas-node` (the name, percent-encoded).
 *   GET /api/v1/n/{node}/trace?from=&to=[&proto=&sport=&dport=]         the agent's trace (5 s), checked by the contract
 *   GET /api/v1/n/{node}/captures                                        the agent's capture status (2 s), checked by the contract
 *   POST /api/v1/n/{node}/captures                                       the agent's capture, its pcapng streamed through
 *   POST /api/v1/cluster/captures                                        one capture per node, merged into one pcapng here
 */
import { captureFileName } from "../../capture/capture-service";
import { captureRequestSchema } from "../../contract/capture";
import { nodeSegment, searchQuerySchema } from "../../contract/cluster";
import { containerRefSchema, k8sNamespaceSchema, podNameSchema, type Lookup } from "../../contract/lookups";
import { problemSchema, type Problem } from "../../contract/problem";
import { netnsIdSchema, type Snapshot } from "../../contract/snapshot";
import { traceQuerySchema, type TraceQuery } from "../../contract/trace";
import { auditClusterCapture, auditNodeCapture, clusterCaptureRequestSchema, handOn, mergeNodeCaptures, openNodeCapture } from "../../hub/capture-proxy";
import { captureStatusOnNode } from "../../hub/capture-status-proxy";
import type { AgentFailure, ClusterSource, NodeAccess } from "../../hub/cluster-source";
import { readSome } from "../../hub/stream-answer";
import { notAHub } from "./not-a-hub";
import { frozenLookupHandler, frozenNetnsHandler, frozenSnapshotHandler } from "./cluster-snapshot-handlers";
import { hostAddresses, traceOnNode, withExitNode } from "../../hub/trace-proxy";
import { findContainer, findPod } from "../../lookups/find-owner";
import { readAt, readView, requester } from "../answer";
import { jsonResponse, problemResponse } from "../json";
import { readJson } from "../read-json";

/** A node name as a path segment: what Kubernetes allows, and more (NSATLAS_NODE_NAME may be any hostname). */
const NODE_NAME_MAX = 253;

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

/** The problem to answer for a node name no node can have, or undefined. */
function malformedNode(rawNode: string): Response | undefined {
  if (rawNode !== "" && rawNode.length <= NODE_NAME_MAX && !/[\u0000-\u001f\u007f]/.test(rawNode)) return undefined;
  return problemResponse(400, "Malformed node name", `a node name has 1 to ${NODE_NAME_MAX} characters and no control characters`);
}

/**
 * `?at=<cluster snapshot id>` on a node's read: the read goes to the hub's store (cluster-snapshot-handlers.ts), whether or
 * not the hub still knows the node. `frozen` is undefined when the request is live.
 */
function frozenRead(
  request: Request,
  rawNode: string,
  source: ClusterSource | undefined,
  read: (source: ClusterSource, at: string) => Promise<Response>,
): { ok: true; frozen: Promise<Response> | undefined } | { ok: false; response: Response } {
  if (source === undefined) return { ok: false, response: notAHub() };
  const malformed = malformedNode(rawNode);
  if (malformed !== undefined) return { ok: false, response: malformed };
  const at = readAt(request);
  if (!at.ok) return at;
  return { ok: true, frozen: at.at === undefined ? undefined : read(source, at.at) };
}

/** The node a route names, or the problem to answer. */
function nodeFor(rawNode: string, source: ClusterSource | undefined): { ok: true; node: NodeAccess } | { ok: false; response: Response } {
  if (source === undefined) return { ok: false, response: notAHub() };
  const malformed = malformedNode(rawNode);
  if (malformed !== undefined) return { ok: false, response: malformed };
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

/** GET /api/v1/n/{node}/snapshot[?view=]: an up node's overview from the hub's cache, anything else from the agent; `at`: a cluster snapshot. */
export async function nodeSnapshotHandler(request: Request, rawNode: string, source: ClusterSource | undefined): Promise<Response> {
  const view = readView(request);
  if (!view.ok) return view.response;
  const frozen = frozenRead(request, rawNode, source, (s, at) => frozenSnapshotHandler(request, s, at, rawNode));
  if (!frozen.ok) return frozen.response;
  if (frozen.frozen !== undefined) return frozen.frozen;
  const found = nodeFor(rawNode, source);
  if (!found.ok) return found.response;
  const { node } = found;
  const cached = view.view === "overview" ? node.cachedOverview() : undefined;
  if (cached !== undefined) {
    const response = withNode(jsonResponse(cached), node.name);
    response.headers.set("x-nsatlas-source", "hub-cache");
    return response;
  }
  const refused = refusedAtOnce(node);
  if (refused !== undefined) return refused;
  return passOn(node, `/api/v1/snapshot?${new URLSearchParams({ view: view.view }).toString()}`, request.signal);
}

/** GET /api/v1/n/{node}/netns/{id}: the agent's namespace answer (with its listeners), streamed; `at`: a cluster snapshot. */
export async function nodeNetnsHandler(request: Request, rawNode: string, rawId: string, source: ClusterSource | undefined): Promise<Response> {
  const id = netnsIdSchema.safeParse(rawId);
  if (!id.success) return problemResponse(400, "Malformed namespace id", "a namespace id is its inode as a decimal number, e.g. 4026531993");
  const frozen = frozenRead(request, rawNode, source, (s, at) => frozenNetnsHandler(request, s, at, rawNode, id.data));
  if (!frozen.ok) return frozen.response;
  if (frozen.frozen !== undefined) return frozen.frozen;
  const found = nodeFor(rawNode, source);
  if (!found.ok) return found.response;
  const refused = refusedAtOnce(found.node);
  if (refused !== undefined) return refused;
  return passOn(found.node, `/api/v1/netns/${id.data}`, request.signal);
}

/** A pod or container looked up in the agent's snapshot now, or in the node's snapshot in the cluster snapshot `at`. */
async function lookUp(
  request: Request,
  rawNode: string,
  source: ClusterSource | undefined,
  find: (snapshot: Snapshot) => Lookup | undefined,
  notFound: string,
): Promise<Response> {
  const frozen = frozenRead(request, rawNode, source, (s, at) => frozenLookupHandler(s, at, rawNode, find, notFound));
  if (!frozen.ok) return frozen.response;
  if (frozen.frozen !== undefined) return frozen.frozen;
  const found = nodeFor(rawNode, source);
  if (!found.ok) return found.response;
  const { node } = found;
  const refused = refusedAtOnce(node);
  if (refused !== undefined) return refused;
  const snapshot = await node.snapshot(undefined, request.signal);
  if (!snapshot.ok) return failed(node.name, snapshot.failure);
  const looked = find(snapshot.value);
  if (looked === undefined) return withNode(problemResponse(404, notFound, `${notFound.toLowerCase()} on node ${node.name} now`), node.name);
  return withNode(jsonResponse(looked), node.name);
}

/** GET /api/v1/n/{node}/pods/{ns}/{name}[?at=]: the pod and its namespaces, from the agent's snapshot. */
export async function nodePodHandler(
  request: Request,
  rawNode: string,
  rawNamespace: string,
  rawName: string,
  source: ClusterSource | undefined,
): Promise<Response> {
  const namespace = k8sNamespaceSchema.safeParse(rawNamespace);
  const name = podNameSchema.safeParse(rawName);
  if (!namespace.success) return problemResponse(400, "Malformed Kubernetes namespace", namespace.error.issues[0]?.message);
  if (!name.success) return problemResponse(400, "Malformed pod name", name.error.issues[0]?.message);
  return lookUp(request, rawNode, source, (s) => findPod(s, namespace.data, name.data), `No pod ${namespace.data}/${name.data}`);
}

/** GET /api/v1/n/{node}/containers/{nameOrId}[?at=]: the container and its namespaces, from the agent's snapshot. */
export async function nodeContainerHandler(request: Request, rawNode: string, rawRef: string, source: ClusterSource | undefined): Promise<Response> {
  const ref = containerRefSchema.safeParse(rawRef);
  if (!ref.success) return problemResponse(400, "Malformed container name or id", ref.error.issues[0]?.message);
  return lookUp(request, rawNode, source, (s) => findContainer(s, ref.data), `No container ${ref.data}`);
}

/** An agent's own problem handed on: its status, title and retry-after, the detail naming the node. */
function handOnProblem(node: string, answer: { status: number; text: string; headers: Record<string, string> }): Response {
  let problem: Problem | undefined;
  try {
    const parsed = problemSchema.safeParse(JSON.parse(answer.text));
    if (parsed.success) problem = parsed.data;
  } catch {
    // Not JSON: said below.
  }
  const response =
    problem === undefined
      ? problemResponse(502, `Node ${node} could not be read`, `error: the agent answered HTTP ${answer.status} with a problem that is not one`)
      : problemResponse(answer.status, problem.title, `node ${node}: ${problem.detail ?? problem.title}`);
  const retryAfter = answer.headers["retry-after"];
  if (problem !== undefined && retryAfter !== undefined && /^\d{1,6}$/.test(retryAfter)) response.headers.set("retry-after", retryAfter);
  return withNode(response, node);
}

const TRACE_USAGE = "from=<netnsId>&to=<ip>[&proto=tcp|udp|icmp][&sport=1-65535][&dport=1-65535]";
const TRACE_PARAMS = new Set(["from", "to", "proto", "sport", "dport"]);

/** The trace query, checked as the agent checks it (server/http/handlers/trace-handler.ts), or its 400. */
function readTraceQuery(request: Request): { ok: true; query: TraceQuery } | { ok: false; response: Response } {
  const params = new URL(request.url).searchParams;
  const bad = (detail: string) => ({ ok: false as const, response: problemResponse(400, "Malformed trace request", `${detail} (${TRACE_USAGE})`) });
  const unknown = [...params.keys()].find((k) => !TRACE_PARAMS.has(k));
  if (unknown !== undefined) return bad(`unknown parameter ${JSON.stringify(unknown.slice(0, 40))}`);
  const repeated = [...TRACE_PARAMS].find((k) => params.getAll(k).length > 1);
  if (repeated !== undefined) return bad(`${repeated} is given more than once`);
  const query = traceQuerySchema.safeParse(Object.fromEntries(params));
  if (!query.success) {
    const issue = query.error.issues[0];
    return bad(`${issue?.path.join(".") || "query"}: ${issue?.message ?? "invalid"}`);
  }
  return { ok: true, query: query.data };
}

/** GET /api/v1/n/{node}/trace?from=&to=[&proto=&sport=&dport=]: the agent's trace (5 s), checked by the contract; `exit.node` named by the hub. */
export async function nodeTraceHandler(request: Request, rawNode: string, source: ClusterSource | undefined): Promise<Response> {
  const found = nodeFor(rawNode, source);
  if (!found.ok) return found.response;
  const query = readTraceQuery(request);
  if (!query.ok) return query.response;
  const { node } = found;
  const refused = refusedAtOnce(node);
  if (refused !== undefined) return refused;
  const answer = await traceOnNode(node, query.query, request.signal);
  if (answer.kind === "failure") return failed(node.name, answer.failure);
  if (answer.kind === "problem") return handOnProblem(node.name, answer);
  const names = source?.nodes().nodes.map((n) => n.name) ?? [];
  const overviews = [...new Set(names)].map((name) => ({ name, overview: source?.forNode(name)?.cachedOverview() }));
  return withNode(jsonResponse(withExitNode(answer.value, node.name, hostAddresses(overviews), hostAddresses(overviews, "any"))), node.name);
}

/** GET /api/v1/n/{node}/captures: whether that node's agent captures (its GET /api/v1/captures within 2 s), checked by the contract. */
export async function nodeCaptureStatusHandler(request: Request, rawNode: string, source: ClusterSource | undefined): Promise<Response> {
  const found = nodeFor(rawNode, source);
  if (!found.ok) return found.response;
  const { node } = found;
  const refused = refusedAtOnce(node);
  if (refused !== undefined) return refused;
  const status = await captureStatusOnNode(node, request.signal);
  if (!status.ok) return failed(node.name, status.failure);
  return withNode(jsonResponse(status.value), node.name);
}

function pcapngResponse(body: ReadableStream<Uint8Array>, fileName: string): Response {
  return new Response(body, {
    status: 200,
    headers: { "content-type": "application/x-pcapng", "content-disposition": `attachment; filename="${fileName}"`, "cache-control": "no-store" },
  });
}

/**
 * POST /api/v1/n/{node}/captures: the node agent's capture, streamed through as it comes. The body is checked here with
 * the very schema of POST /api/v1/captures before the agent is asked; the agent decides whether capture is on (its 403,
 * like its 400/404/429/503, is handed on naming the node). Audited at the hub when it ended.
 */
export async function nodeCaptureHandler(request: Request, rawNode: string, source: ClusterSource | undefined): Promise<Response> {
  const found = nodeFor(rawNode, source);
  if (!found.ok) return found.response;
  const body = await readJson(request, captureRequestSchema);
  if (!body.ok) return body.response;
  const { node } = found;
  const refused = refusedAtOnce(node);
  if (refused !== undefined) return refused;
  const who = requester(request);
  const started = await openNodeCapture(node, body.value, who, request.signal);
  if (started.kind === "failure") {
    auditNodeCapture(who, node.name, body.value, { refused: started.failure.message });
    return failed(node.name, started.failure);
  }
  if (started.kind === "problem") {
    auditNodeCapture(who, node.name, body.value, { refused: `HTTP ${started.status} ${started.text.slice(0, 200)}` });
    return handOnProblem(node.name, started);
  }
  const stream = handOn(started.value.body, (outcome) => auditNodeCapture(who, node.name, body.value, outcome));
  const fileName = started.value.headers?.["content-disposition"]?.match(/filename="([A-Za-z0-9._-]{1,200})"/)?.[1] ?? `nsatlas-${Date.now()}.pcapng`;
  return withNode(pcapngResponse(stream, fileName), node.name);
}

/**
 * POST /api/v1/cluster/captures {"sources":[{"node","netnsId","iface"},…], …}: one capture per node, merged here into one
 * pcapng (an IDB per interface named "<node>/<owner>/<iface>", packets in timestamp order). Every node must start its
 * capture; when one refuses or fails, the others are stopped and its answer given, naming it.
 */
export async function clusterCaptureHandler(request: Request, source: ClusterSource | undefined): Promise<Response> {
  if (source === undefined) return notAHub();
  const body = await readJson(request, clusterCaptureRequestSchema);
  if (!body.ok) return body.response;
  const nodes: NodeAccess[] = [];
  for (const part of body.value.nodes) {
    const found = nodeFor(part.node, source);
    if (!found.ok) return found.response;
    const refused = refusedAtOnce(found.node);
    if (refused !== undefined) return refused;
    nodes.push(found.node);
  }
  const who = requester(request);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  request.signal.addEventListener("abort", onAbort, { once: true });
  const opened = await Promise.all(
    body.value.nodes.map((part, i) => (nodes[i] === undefined ? undefined : openNodeCapture(nodes[i], part.request, who, stop.signal))),
  );
  const failedAt = opened.findIndex((o) => o === undefined || o.kind !== "ok");
  if (failedAt !== -1) {
    stop.abort();
    request.signal.removeEventListener("abort", onAbort);
    for (const o of opened) if (o?.kind === "ok") o.value.body.cancel().catch(() => undefined);
    const o = opened[failedAt];
    const name = nodes[failedAt]?.name ?? body.value.nodes[failedAt]?.node ?? "?";
    const refusal = o === undefined || o.kind === "ok" ? undefined : o;
    auditClusterCapture(who, body.value, {
      refused: `node ${name}: ${refusal?.kind === "failure" ? refusal.failure.message : (refusal?.text.slice(0, 200) ?? "?")}`,
    });
    if (refusal?.kind === "problem") return handOnProblem(name, refusal);
    return failed(name, refusal?.kind === "failure" ? refusal.failure : { kind: "error", message: "no answer", isTimeout: false });
  }
  const parts = opened.flatMap((o, i) => {
    const part = body.value.nodes[i];
    if (o?.kind !== "ok" || part === undefined) return [];
    return [
      { node: nodes[i]?.name ?? part.node, interfaces: part.request.target.kind === "sources" ? part.request.target.sources.length : 0, body: o.value.body },
    ];
  });
  const labels = body.value.nodes.flatMap((n) =>
    n.request.target.kind === "sources" ? n.request.target.sources.map((s) => `${n.node}/${s.netnsId}/${s.iface}`) : [],
  );
  const merged = mergeNodeCaptures(
    parts,
    { comment: `nsatlas capture through the hub: ${labels.join(", ")}; filter ${JSON.stringify(body.value.filter)}; ${body.value.seconds} s` },
    (outcome) => {
      request.signal.removeEventListener("abort", onAbort);
      auditClusterCapture(who, body.value, outcome);
    },
  );
  return pcapngResponse(
    merged,
    captureFileName(
      "cluster",
      parts.map((p) => p.node),
      new Date(),
    ),
  );
}
