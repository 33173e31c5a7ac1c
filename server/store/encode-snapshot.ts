import { createHash } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";
import * as z from "zod";
import { anomalySchema } from "../contract/anomaly";
import { runtimeStatusSchema } from "../contract/runtime-status";
import { netnsBody } from "../snapshot/netns-body";
import { netnsSchema, nodeSchema, refSchema, stageTimingsSchema, statsSchema, type Netns, type Snapshot } from "../contract/snapshot";

/**
 * A snapshot split for storage. Namespace bodies (owners, interfaces without counters, routes,
 * listeners) rarely change between snapshots, so each is stored once, by content hash, and shared.
 * What changes all the time (counters, the processes holding each namespace, timings) lives in the
 * snapshot's own small header.
 */
export interface SplitSnapshot {
  /** The header's JSON (deflate it to store). */
  header: string;
  /** Each namespace body's JSON and its sha256 (the key it is stored under). */
  bodies: { hash: string; json: string }[];
  /** Changes only when the network does: not on counters, timings or process churn. */
  fingerprint: string;
}

const perNetnsSchema = z.object({
  refs: z.array(refSchema),
  processCount: z.number().int(),
  /** [ifindex, rxBytes, txBytes, rxPackets, txPackets, rxErrors, txErrors, rxDropped, txDropped] per interface. */
  counters: z.array(z.array(z.number())),
});

const headerSchema = z.object({
  id: z.string(),
  takenAt: z.string(),
  node: nodeSchema,
  staleFiles: z.array(z.string()),
  runtimes: z.array(runtimeStatusSchema),
  timings: stageTimingsSchema,
  anomalies: z.array(anomalySchema),
  netns: z.array(perNetnsSchema),
});

const bodySchema = netnsSchema.omit({ refs: true, processCount: true });

const STAT_ORDER = ["rxBytes", "txBytes", "rxPackets", "txPackets", "rxErrors", "txErrors", "rxDropped", "txDropped"] as const;

/** What a stored snapshot keeps of each namespace beside its body (module-level: V8 keeps its optimised code between recordings). */
function perNetns(n: Netns): z.infer<typeof perNetnsSchema> {
  const counters: number[][] = [];
  for (const i of n.interfaces) {
    const stats = i.stats;
    if (stats === undefined) continue;
    const row = [i.ifindex];
    for (const k of STAT_ORDER) row.push(stats[k]);
    counters.push(row);
  }
  return { refs: n.refs, processCount: n.processCount, counters };
}

export function splitSnapshot(snapshot: Snapshot): SplitSnapshot {
  const bodies = snapshot.netns.map((n) => {
    const json = JSON.stringify(netnsBody(n));
    return { hash: createHash("sha256").update(json).digest("hex"), json };
  });
  const header = {
    id: snapshot.id,
    takenAt: snapshot.takenAt,
    node: snapshot.node,
    staleFiles: snapshot.staleFiles,
    runtimes: snapshot.runtimes,
    timings: snapshot.timings,
    anomalies: snapshot.anomalies,
    netns: snapshot.netns.map(perNetns),
  };
  const fingerprint = createHash("sha256")
    .update(bodies.map((b) => b.hash).join(","))
    .update(JSON.stringify(snapshot.staleFiles))
    .update(JSON.stringify(snapshot.runtimes.map((r) => `${r.name} ${r.status}`)))
    .digest("hex");
  return { header: JSON.stringify(header), bodies, fingerprint };
}

/** Stored bytes are deflated JSON. */
export const compress = (json: string): Buffer => deflateSync(json);

/** Rebuilds the snapshot; every stored byte is parsed again (a damaged row fails loudly, never half-renders). */
export function decodeSnapshot(headerBytes: Buffer, bodyBytes: Buffer[]): Snapshot {
  const header = headerSchema.parse(JSON.parse(inflateSync(headerBytes).toString("utf8")));
  if (header.netns.length !== bodyBytes.length)
    throw new Error(`snapshot ${header.id}: ${header.netns.length} namespaces in the header, ${bodyBytes.length} stored`);
  const netns = bodyBytes.map((bytes, index): Netns => {
    const body = bodySchema.parse(JSON.parse(inflateSync(bytes).toString("utf8")));
    const extra = header.netns[index] ?? { refs: [], processCount: 0, counters: [] };
    const stats = new Map(extra.counters.map(([ifindex, ...values]) => [ifindex, values]));
    return {
      ...body,
      refs: extra.refs,
      processCount: extra.processCount,
      interfaces: body.interfaces.map((i) => {
        const values = stats.get(i.ifindex);
        return values === undefined ? i : { ...i, stats: statsSchema.parse(Object.fromEntries(STAT_ORDER.map((k, at) => [k, values[at]]))) };
      }),
    };
  });
  const { netns: _perNetns, ...rest } = header;
  return { ...rest, netns };
}
