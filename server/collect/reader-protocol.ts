/**
 * The messages between NetnsReader (main thread) and its worker (netns-reader.worker.ts): the only
 * shapes that cross that boundary. Requests carry netlink requests built on the main thread;
 * replies carry the kernel's raw answers. `B` is how bytes travel: ArrayBuffer across the boundary
 * (transferred, never copied), Buffer once reader-replies.ts has checked a reply on arrival.
 */
import type { IfaceRef } from "../contract/snapshot";

/** One namespace to read: `path` is any file that refers to it (/proc/PID/ns/net, a bind mount). */
export interface ReadJob {
  id: string;
  path: string;
}

/** A namespace in a scan, with what lets the worker read only its counters when nothing changed. */
export interface ScanJob extends ReadJob {
  /** The full reading (its `reading` id) whose decoded records the caller still holds. */
  known?: string;
  /** The interfaces elsewhere its interfaces lead to (veth peers, macvlan parents), from the previous snapshot. */
  linkedTo?: IfaceRef[];
}

/** One query for veths between two non-host namespaces: "what is your id for each candidate?" */
export interface AskIdsQuery {
  id: string;
  path: string;
  candidates: ReadJob[];
}

/** RTM_GETNSID by fd (netlink-requests.ts), sent with every request: the worker writes the fd at `fdOffset`. */
export interface NsidByFd<B = ArrayBuffer> {
  request: B;
  fdOffset: number;
}

interface RequestBase {
  requestId: number;
  nsidByFd: NsidByFd;
}

/** What the change watch needs from a scan: whether to run, the rtnetlink groups to hear, and the longest a namespace may go without a full reading. */
export interface WatchSettings {
  isOn: boolean;
  groups: number[];
  maxUnreadMs: number;
}

/** Read every job: the three dumps (links, addresses, routes), or only the counters (`stats`) of a namespace the watch vouches for. */
export interface ReadRequest extends RequestBase {
  type: "read";
  jobs: ScanJob[];
  dumps: [links: ArrayBuffer, addresses: ArrayBuffer, routes: ArrayBuffer];
  stats: ArrayBuffer;
  watch: WatchSettings;
}

/** Send the same sock_diag requests inside each job's namespace. */
export interface DiagRequest extends RequestBase {
  type: "diag";
  jobs: ReadJob[];
  requests: ArrayBuffer[];
}

export interface AskIdsRequest extends RequestBase {
  type: "ask-ids";
  queries: AskIdsQuery[];
}

/**
 * Send these rtnetlink requests, in order, on one NETLINK_ROUTE socket opened inside the namespace of
 * `job` (a path trace's questions: RTM_GETROUTE for one flow, RTM_GETNEIGH, RTM_GETNETCONF, an FDB
 * dump, RTM_GETLINK; netlink-requests.ts builds them). The answer is a DiagResult: the raw answers.
 */
export interface RouteGetRequest extends RequestBase {
  type: "route-get";
  job: ReadJob;
  requests: ArrayBuffer[];
}

export type ReaderRequest = ReadRequest | DiagRequest | AskIdsRequest | RouteGetRequest;

/** A syscall that failed for one namespace: its stage ("open", "setns", "socket", "sendto", "recv") and errno. */
export interface Failure {
  id: string;
  ok: false;
  stage: string;
  errno: number;
}

/**
 * A full reading (links, addresses, routes, and this namespace's id for the host; `reading` names it
 * when the worker will vouch for it later), only the counters of a namespace unchanged since reading
 * `reading`, or a failure.
 */
export type ReadResult<B = Buffer> =
  | { id: string; ok: true; kind: "full"; answers: [links: B, addresses: B, routes: B]; hostIdHere: B; reading?: string }
  | { id: string; ok: true; kind: "counters"; counters: B; reading: string }
  | Failure;
export type FullReadResult = Extract<ReadResult, { kind: "full" }>;

/** The answers to a DiagRequest's requests, in their order. */
export type DiagResult<B = Buffer> = { id: string; ok: true; answers: B[] } | Failure;

/** A namespace's RTM_GETNSID answer about each candidate it could open. */
export type AskResult<B = Buffer> = { id: string; ok: true; answers: Array<{ id: string; answer: B }> } | (Failure & { answers: [] });

/** Why the change watch is off, sent with a read's last batch (absent: it is on). */
export interface WatchUnavailable {
  stage: string;
  errno: number;
}

/** Results as they come, in batches; `done` marks the last of a request. */
export interface ReplyBatch<R> {
  requestId: number;
  results: R[];
  done: boolean;
  watchUnavailable?: WatchUnavailable;
}

/** A result as the worker posts it, in a ReplyBatch. */
export type PostedResult = ReadResult<ArrayBuffer> | DiagResult<ArrayBuffer> | AskResult<ArrayBuffer>;
