/**
 * Packet capture through the hub (docs/incident-tools.md "Packet capture", "Through the hub"):
 *  - one node: the owning agent's POST /api/v1/captures with the hub's agent token, its pcapng streamed through as it
 *    comes (never held whole), the client leaving dropping the agent's connection (the agent then stops tcpdump at once);
 *  - several nodes (POST /api/v1/cluster/captures): one capture per node (each agent merges its own interfaces), and the
 *    nodes' pcapng streams merged here into one file: one IDB per interface named "<node>/<owner>/<iface>", packets
 *    interleaved by timestamp with the agents' own reorder window (merge-by-time.ts).
 * Whether capture is on is each agent's decision (NSATLAS_CAPTURE there): the hub forwards, and audits what it forwarded.
 */
import * as z from "zod";
import { CAPTURE_TIMINGS } from "../capture/capture-session";
import { captureMaxBytes } from "../capture/capture-service";
import { TimeMerger } from "../capture/merge-by-time";
import {
  enhancedPacketBlock,
  enhancedPacketBlockLength,
  INTERFACE_STATISTICS_BLOCK_LENGTH,
  interfaceDescriptionBlock,
  interfaceStatisticsBlock,
  sectionHeaderBlock,
} from "../capture/pcapng";
import type { PcapngPacket, PcapngStatistics } from "../capture/pcapng-reader";
import { PcapngStreamReader } from "../capture/pcapng-stream";
import { CAPTURE_LIMITS, captureRequestSchema, captureSourceSchema, type CaptureRequest } from "../contract/capture";
import { audit } from "../log/logger";
import { NSATLAS_VERSION } from "../node-info";
import type { CallLimits, NodeAccess, StreamedAnswer } from "./cluster-source";
import { readSome } from "./stream-answer";
import type { ProxiedAnswer } from "./trace-proxy";

/** The most an agent's capture file can be (NSATLAS_CAPTURE_MAX_MB at most 1024), and some room. */
const MAX_NODE_CAPTURE_BYTES = 1025 * 1024 * 1024;
/** Beyond the capture's seconds: the agent's tcpdumps starting (10 s at most) and stopping (1 s grace), and the way. */
const CAPTURE_SLACK_MS = CAPTURE_TIMINGS.startTimeoutMs + 5000;

/** The JSON body the agent gets for a parsed request (defaults filled in: the agent sees exactly what the hub checked). */
export function agentCaptureBody(request: CaptureRequest): string {
  const rest = { seconds: request.seconds, filter: request.filter, snaplen: request.snaplen };
  const { target } = request;
  if (target.kind === "pod") return JSON.stringify({ pod: `${target.namespace}/${target.name}`, ...rest });
  if (target.kind === "veth") return JSON.stringify({ veth: target.source, ...rest });
  return JSON.stringify({ sources: target.sources, ...rest });
}

/** What the agent is asked, in words for the audit trail. */
export function describeTarget(request: CaptureRequest): string {
  const { target } = request;
  if (target.kind === "pod") return `pod ${target.namespace}/${target.name}`;
  if (target.kind === "veth") return `veth ${target.source.netnsId}/${target.source.iface} and its peer`;
  return target.sources.map((s) => `${s.netnsId}/${s.iface}`).join(", ");
}

/** Limits of a proxied capture: headers once the agent's tcpdumps listen, then nothing for a whole quiet capture is fine. */
export function captureCallLimits(seconds: number, who: string): CallLimits {
  return {
    timeoutMs: CAPTURE_SLACK_MS,
    idleMs: seconds * 1000 + CAPTURE_SLACK_MS,
    maxBytes: MAX_NODE_CAPTURE_BYTES,
    headers: { "user-agent": `nsatlas-hub/${NSATLAS_VERSION} for ${who}`.replace(/[^\x20-\x7e]/g, "?").slice(0, 200) },
  };
}

/** Starts the capture on the node's agent: its streaming answer, a failure of the node, or the agent's refusal (a 4xx problem). */
export async function openNodeCapture(node: NodeAccess, request: CaptureRequest, who: string, signal: AbortSignal): Promise<ProxiedAnswer<StreamedAnswer>> {
  const answer = await node.post("/api/v1/captures", agentCaptureBody(request), signal, captureCallLimits(request.seconds, who));
  if (!answer.ok) return { kind: "failure", failure: answer.failure };
  const { status, contentType, body, headers = {} } = answer.value;
  if (status === 200 && contentType.startsWith("application/x-pcapng")) return { kind: "ok", value: answer.value };
  const text = await readSome(body);
  // 401: the hub's token; an agent's 403 is its own decision (capture off) and is handed on.
  if (status === 401) return { kind: "failure", failure: { kind: "unauthorized", message: "the agent refused the hub's token (HTTP 401)", isTimeout: false } };
  if (status >= 400 && status < 600 && status !== 500 && status !== 502 && status !== 504 && contentType.startsWith("application/problem+json")) {
    return { kind: "problem", status, contentType, text, headers };
  }
  return {
    kind: "failure",
    failure: { kind: "error", message: `the agent answered HTTP ${status} (${contentType}): ${text.slice(0, 300)}`, isTimeout: false },
  };
}

export interface ProxiedOutcome {
  bytes: number;
  durationMs: number;
  /** complete: the agent's file ended; client: the client left; broken: the agent's answer broke off. */
  endedBy: "complete" | "client" | "broken" | "byte-cap";
  error?: string;
}

/** Hands a stream on chunk by chunk as the client reads (no buffering beyond one chunk), and says how it ended. */
export function handOn(body: ReadableStream<Uint8Array>, onEnd: (outcome: ProxiedOutcome) => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const started = performance.now();
  let bytes = 0;
  let isDone = false;
  const done = (endedBy: ProxiedOutcome["endedBy"], error?: string) => {
    if (isDone) return;
    isDone = true;
    onEnd({ bytes, durationMs: Math.round(performance.now() - started), endedBy, ...(error === undefined ? {} : { error }) });
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done: isEnd, value } = await reader.read();
          if (isEnd) {
            done("complete");
            controller.close();
            return;
          }
          bytes += value.byteLength;
          controller.enqueue(value);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          done("broken", message);
          controller.error(err);
        }
      },
      cancel() {
        done("client");
        return reader.cancel().catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** A node's own capture through the hub, audited once it ended: who asked, which node, what, and how it went. */
export function auditNodeCapture(who: string, node: string, request: CaptureRequest, outcome: ProxiedOutcome | { refused: string }): void {
  const what = `through the hub on node ${node}: ${describeTarget(request)} filter ${JSON.stringify(request.filter)}, ${request.seconds} s asked`;
  const how =
    "refused" in outcome
      ? `; refused: ${outcome.refused}`
      : `: ran ${outcome.durationMs} ms, ${outcome.bytes} bytes, ended by ${outcome.endedBy}${outcome.error === undefined ? "" : `; ${outcome.error}`}`;
  audit("capture", who, `${what}${how}`);
}

/** One interface of one node in a cluster capture. */
export const clusterCaptureSourceSchema = captureSourceSchema.extend({
  node: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[^\u0000-\u001f\u007f]+$/, "a node name has no control characters"),
});

export interface ClusterCaptureRequest {
  /** Per node, in the order the sources first name it: the agent's request (its sources in the order given). */
  nodes: Array<{ node: string; request: CaptureRequest }>;
  seconds: number;
  filter: string;
  snaplen: number;
}

/**
 * The body of POST /api/v1/cluster/captures: {"sources":[{"node","netnsId","iface"},…]} with "seconds", "filter" and
 * "snaplen" as for one node (docs/api.md); each node's part is checked with the very schema of POST /api/v1/captures.
 */
export const clusterCaptureRequestSchema = z
  .strictObject({
    sources: z.array(clusterCaptureSourceSchema).min(1).max(CAPTURE_LIMITS.maxSources, `at most ${CAPTURE_LIMITS.maxSources} interfaces in one capture`),
    seconds: z.unknown().optional(),
    filter: z.unknown().optional(),
    snaplen: z.unknown().optional(),
  })
  .transform((body, ctx): ClusterCaptureRequest => {
    const byNode = new Map<string, Array<{ netnsId: string; iface: string }>>();
    for (const s of body.sources) byNode.set(s.node, [...(byNode.get(s.node) ?? []), { netnsId: s.netnsId, iface: s.iface }]);
    const nodes: ClusterCaptureRequest["nodes"] = [];
    for (const [node, sources] of byNode) {
      const parsed = captureRequestSchema.safeParse({ sources, seconds: body.seconds, filter: body.filter, snaplen: body.snaplen });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: `${issue.message} (node ${node})` });
        return z.NEVER;
      }
      nodes.push({ node, request: parsed.data });
    }
    const first = nodes[0]?.request;
    if (first === undefined) {
      ctx.addIssue({ code: "custom", path: ["sources"], message: "no sources" });
      return z.NEVER;
    }
    return { nodes, seconds: first.seconds, filter: first.filter, snaplen: first.snaplen };
  });

export interface NodeCapturePart {
  node: string;
  /** How many interfaces the node's file describes (its IDBs). */
  interfaces: number;
  body: ReadableStream<Uint8Array>;
}

export interface MergeOutcome {
  endedBy: "complete" | "client" | "byte-cap";
  bytes: number;
  packets: number;
  durationMs: number;
  /** Packets written out of timestamp order (merge-by-time.ts). */
  late: number;
  /** Per interface, "<node>/<owner>/<iface>" and its packets. */
  interfaces: Array<{ name: string; packets: number }>;
  /** Nodes whose file broke off or was not pcapng. */
  errors: string[];
}

export interface MergeOptions {
  comment: string;
  /** The merged file's size cap (NSATLAS_CAPTURE_MAX_MB at the hub). */
  maxBytes?: number;
  reorderWindowMs?: number;
}

interface Part {
  node: string;
  expected: number;
  reader: ReadableStreamDefaultReader<Uint8Array>;
  parser: PcapngStreamReader;
  statistics: PcapngStatistics[];
  isEnded: boolean;
  /** Its first interface's id in the merged file, once the IDBs are out. */
  offset: number;
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
/** Unread bytes the client may leave before the nodes' streams are no longer read (their agents' sockets then pause). */
const HIGH_WATER_BYTES = 1024 * 1024;

/**
 * Merges the nodes' pcapng streams into one: an SHB, every node's IDBs (renamed "<node>/<name>"), EPBs interleaved by
 * timestamp, and each interface's statistics at the end. The streams are read only while the client reads (backpressure
 * to the agents); the client cancelling cancels every node's stream, which drops the agents' connections.
 */
export function mergeNodeCaptures(parts: NodeCapturePart[], options: MergeOptions, onEnd: (outcome: MergeOutcome) => void): ReadableStream<Uint8Array> {
  const maxBytes = options.maxBytes ?? captureMaxBytes();
  const merger = new TimeMerger<PcapngPacket>(parts.length, options.reorderWindowMs ?? CAPTURE_TIMINGS.reorderWindowMs);
  const state: Part[] = parts.map((p) => ({
    node: p.node,
    expected: p.interfaces,
    reader: p.body.getReader(),
    parser: new PcapngStreamReader(),
    statistics: [],
    isEnded: false,
    offset: 0,
  }));
  const names: string[] = [];
  const perInterface: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  const startNs = nowNs();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let written = 0;
  let areInterfacesOut = false;
  let endedBy: MergeOutcome["endedBy"] | undefined;
  let isClosed = false;
  let tick: NodeJS.Timeout | undefined;
  let room: (() => void) | undefined;
  const reserve = () => names.length * INTERFACE_STATISTICS_BLOCK_LENGTH;

  const enqueue = (block: Buffer) => {
    if (controller === undefined || isClosed) return;
    controller.enqueue(new Uint8Array(block.buffer, block.byteOffset, block.byteLength));
    written += block.length;
  };

  const stopAll = () => {
    for (const p of state) if (!p.isEnded) p.reader.cancel().catch(() => undefined);
  };

  const writeInterfaces = () => {
    if (areInterfacesOut || !state.every((p) => p.isEnded || p.parser.interfaces.length >= p.expected)) return;
    areInterfacesOut = true;
    for (const p of state) {
      p.offset = names.length;
      for (const iface of p.parser.interfaces) {
        const name = `${p.node}/${iface.name ?? "?"}`;
        names.push(name);
        perInterface.push(0);
        enqueue(
          interfaceDescriptionBlock({
            linktype: iface.linktype,
            snaplen: iface.snaplen,
            name,
            description: `node ${p.node}${iface.description === undefined ? "" : `, ${iface.description}`}`,
            ...(iface.filter === undefined ? {} : { filter: iface.filter }),
          }),
        );
      }
    }
  };

  const writePackets = (items: Array<{ source: number; item: PcapngPacket }>) => {
    for (const { source, item } of items) {
      if (endedBy !== undefined) return;
      const part = state[source];
      if (part === undefined || item.interfaceId >= part.parser.interfaces.length) continue;
      if (written + enhancedPacketBlockLength(item.data.length) + reserve() > maxBytes) {
        endedBy = "byte-cap";
        stopAll();
        return;
      }
      const id = part.offset + item.interfaceId;
      enqueue(enhancedPacketBlock(id, item.timestampNs, item.originalLength, item.data));
      perInterface[id] = (perInterface[id] ?? 0) + 1;
    }
  };

  const finish = () => {
    if (isClosed) return;
    clearInterval(tick);
    writeInterfaces();
    if (endedBy !== "client") {
      if (endedBy === undefined) writePackets(merger.flush());
      const now = nowNs();
      for (const p of state) {
        for (let i = 0; i < p.parser.interfaces.length; i++) {
          const id = p.offset + i;
          const s = p.statistics.find((x) => x.interfaceId === i);
          const count = (v: bigint | undefined) => (v === undefined ? undefined : Number(v));
          enqueue(
            interfaceStatisticsBlock(id, now, {
              startNs: s?.startNs ?? startNs,
              endNs: s?.endNs ?? now,
              ...(s?.filterAccept === undefined ? {} : { filterAccept: count(s.filterAccept) }),
              ...(s?.osDrop === undefined ? {} : { osDrop: count(s.osDrop) }),
              delivered: perInterface[id] ?? 0,
            }),
          );
        }
      }
      isClosed = true;
      controller?.close();
    }
    isClosed = true;
    onEnd({
      endedBy: endedBy ?? "complete",
      bytes: written,
      packets: perInterface.reduce((a, b) => a + b, 0),
      durationMs: Math.round(performance.now() - started),
      late: merger.late,
      interfaces: names.map((name, i) => ({ name, packets: perInterface[i] ?? 0 })),
      errors,
    });
  };

  const wake = () => {
    if (isClosed) return;
    writeInterfaces();
    if (areInterfacesOut && endedBy === undefined) writePackets(merger.take());
    if (state.every((p) => p.isEnded)) finish();
  };

  const pump = async (index: number) => {
    const part = state[index];
    if (part === undefined) return;
    try {
      for (;;) {
        // Read on only while the client has room: a slow client slows the agents (their sockets pause), it never fills the hub.
        while (!isClosed && endedBy === undefined && (controller?.desiredSize ?? 1) <= 0) {
          await new Promise<void>((resolve) => {
            const previous = room;
            room = () => {
              previous?.();
              resolve();
            };
          });
        }
        if (isClosed || endedBy !== undefined) break;
        const { done, value } = await part.reader.read();
        if (done) break;
        for (const event of part.parser.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))) {
          if (event.kind === "packet") merger.push(index, event.packet);
          else if (event.kind === "statistics") part.statistics.push(event.statistics);
        }
        wake();
      }
      if (part.parser.bufferedBytes > 0 && endedBy === undefined) errors.push(`node ${part.node}: its file ended inside a block`);
    } catch (err) {
      if (endedBy === undefined) errors.push(`node ${part.node}: ${err instanceof Error ? err.message : String(err)}`);
      part.reader.cancel().catch(() => undefined);
    }
    part.isEnded = true;
    merger.end(index);
    wake();
  };

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        enqueue(sectionHeaderBlock({ userAppl: `nsatlas ${NSATLAS_VERSION} (hub)`, comment: options.comment }));
        tick = setInterval(wake, Math.max(10, Math.floor((options.reorderWindowMs ?? CAPTURE_TIMINGS.reorderWindowMs) / 4)));
        state.forEach((_, i) => void pump(i));
      },
      pull() {
        const r = room;
        room = undefined;
        r?.();
      },
      cancel() {
        endedBy ??= "client";
        const r = room;
        room = undefined;
        r?.();
        stopAll();
        finish();
      },
    },
    { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );
}

/** A cluster capture, audited once it ended (or was refused). */
export function auditClusterCapture(who: string, request: ClusterCaptureRequest, outcome: MergeOutcome | { refused: string }): void {
  const what = `through the hub on ${request.nodes.map((n) => `node ${n.node} (${describeTarget(n.request)})`).join(", ")} filter ${JSON.stringify(request.filter)}, ${request.seconds} s asked`;
  const how =
    "refused" in outcome
      ? `; refused: ${outcome.refused}`
      : `: ran ${outcome.durationMs} ms, ${outcome.bytes} bytes, ${outcome.packets} packets, ended by ${outcome.endedBy}` +
        (outcome.late > 0 ? `, ${outcome.late} out of order` : "") +
        (outcome.errors.length > 0 ? `; ${outcome.errors.join("; ")}` : "");
  audit("capture", who, `${what}${how}`);
}
