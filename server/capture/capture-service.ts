/**
 * Packet capture as the API offers it, without HTTP: from a parsed request to a running capture.
 * Checks, in order: on (NSATLAS_CAPTURE), the capabilities, a free slot, the interfaces (from the
 * snapshot; a fresh one when the memoised one does not know them), the agent's own connection left
 * out, each namespace still there (an open file), the filter compiled by tcpdump in each namespace;
 * then the capture starts, and when it has ended, whatever way, it is audited.
 */
import fs from "node:fs";
import * as z from "zod";
import { CAPTURE_LIMITS, type CaptureRequest, type CaptureStatus } from "../contract/capture";
import type { Snapshot } from "../contract/snapshot";
import { NSATLAS_VERSION } from "../node-info";
import { missingCaptureCapabilities } from "./capture-capabilities";
import { CaptureError } from "./capture-error";
import { startCapture, type CaptureOutcome, type SourcePlan } from "./capture-session";
import { runningCaptures, takeCaptureSlot } from "./capture-slots";
import { openNetnsFile } from "./netns-file";
import { withoutOwnConnection, type SocketEnds } from "./own-connection";
import { isKnown, resolveSources } from "./resolve-sources";
import { checkFilter } from "./tcpdump";

/** What a capture needs from the agent. */
export interface CaptureHost {
  /** NSATLAS_CAPTURE. */
  isEnabled: boolean;
  /** The node now: memoised (`fresh` false) or read anew. */
  snapshot(fresh: boolean): Promise<Snapshot>;
  /** One audit entry (the log line, and the history's audit table when it is up). */
  audit(who: string, detail: string): void;
}

export interface StartedCapture {
  body: ReadableStream<Uint8Array>;
  fileName: string;
  labels: string[];
  outcome: Promise<CaptureOutcome>;
}

/** NSATLAS_CAPTURE_MAX_MB: the file's size cap (64 MiB unless set; tests set a small one). */
const maxMbSchema = z.coerce.number().min(0.01).max(1024).optional();

export function captureMaxBytes(env: Record<string, string | undefined> = process.env): number {
  const raw = env.NSATLAS_CAPTURE_MAX_MB;
  const parsed = maxMbSchema.safeParse(raw === "" ? undefined : raw);
  return parsed.success && parsed.data !== undefined ? Math.round(parsed.data * 1024 * 1024) : CAPTURE_LIMITS.defaultMaxBytes;
}

export const CAPTURE_OFF_MESSAGE =
  "packet capture is off on this agent: start it with NSATLAS_CAPTURE=1 (it also needs CAP_NET_RAW, CAP_SETUID, CAP_SETGID and CAP_KILL; docs/security.md)";

export function captureStatus(isEnabled: boolean): CaptureStatus {
  return {
    isEnabled,
    running: runningCaptures(),
    maxConcurrent: CAPTURE_LIMITS.maxConcurrent,
    maxSeconds: CAPTURE_LIMITS.maxSeconds,
    maxSources: CAPTURE_LIMITS.maxSources,
    maxBytes: captureMaxBytes(),
    missingCapabilities: isEnabled ? missingCaptureCapabilities() : [],
  };
}

/** A file name of letters, digits, ".", "_" and "-" only: "nsatlas-node1-shop_api-7f9_eth0-20250101-120000.pcapng". */
export function captureFileName(node: string, labels: string[], at: Date): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "");
  const stamp = at.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const what = labels.length > 2 ? `${safe(labels[0] ?? "")}+${labels.length - 1}` : labels.map(safe).join("+");
  return `nsatlas-${safe(node).slice(0, 40)}-${what.slice(0, 80)}-${stamp}.pcapng`;
}

/** "host/eth0, shop/api-7f9/eth0 (netns 4026531840, 4026532999) filter \"icmp\", 10 s asked: ran 10012 ms, 1234 bytes, 8 packets, ended by time". */
export function auditDetail(request: CaptureRequest, sources: Array<{ label: string; netnsId: string }>, outcome: CaptureOutcome): string {
  const drops = outcome.sources.reduce((n, s) => n + (s.droppedByKernel ?? 0), 0);
  return [
    `${sources.map((s) => s.label).join(", ")} (netns ${[...new Set(sources.map((s) => s.netnsId))].join(", ")})`,
    ` filter ${JSON.stringify(request.filter)} snaplen ${request.snaplen}, ${request.seconds} s asked:`,
    ` ran ${outcome.durationMs} ms, ${outcome.bytes} bytes, ${outcome.packets} packets, ended by ${outcome.endedBy}`,
    drops > 0 ? `, ${drops} dropped by the kernel` : "",
    outcome.late > 0 ? `, ${outcome.late} out of order` : "",
    outcome.error === undefined ? "" : `; ${outcome.error}`,
  ].join("");
}

export async function startCaptureFor(
  host: CaptureHost,
  request: CaptureRequest,
  who: string,
  socket: SocketEnds | undefined,
  signal: AbortSignal,
): Promise<StartedCapture> {
  if (!host.isEnabled) throw new CaptureError(403, "Capture is off", CAPTURE_OFF_MESSAGE);
  const missing = missingCaptureCapabilities();
  if (missing.length > 0) {
    throw new CaptureError(503, "Capture is not possible on this agent", `this process lacks ${missing.join(", ")}, which a capture needs (docs/security.md)`);
  }
  const slot = takeCaptureSlot(request.seconds);
  const fds: number[] = [];
  try {
    let snapshot = await host.snapshot(false);
    if (!isKnown(snapshot, request.target)) snapshot = await host.snapshot(true);
    const resolved = resolveSources(snapshot, request.target);
    const sources: SourcePlan[] = resolved.map((r) => {
      // The connection carrying this very file runs over the agent's own namespace, and may run through another one (a client
      // in the captured pod): it is left out wherever it is known; in the agent's own namespace it must be.
      if (r.netns.isHost && socket === undefined) {
        throw new CaptureError(
          503,
          "Capture would capture itself",
          "the request's connection is unknown here, so it could not be left out of a capture in the agent's own namespace",
        );
      }
      const filter = socket === undefined ? request.filter : withoutOwnConnection(request.filter, socket);
      let netnsFd: number | undefined;
      if (!r.netns.isHost) {
        netnsFd = openNetnsFile(r.netns);
        if (netnsFd === undefined)
          throw new CaptureError(404, "Namespace gone", `namespace ${r.netns.id} (${r.label}) has no process or mount left to enter it by`);
        fds.push(netnsFd);
      }
      return {
        label: r.label,
        description: `netns ${r.netns.id}, ${r.iface.name} (ifindex ${r.iface.ifindex}, ${r.iface.kind})`,
        iface: r.iface.name,
        netnsFd,
        filter,
      };
    });
    const compiled = await Promise.all(sources.map((s) => checkFilter({ iface: s.iface, netnsFd: s.netnsFd }, request.snaplen, s.filter, s.label)));
    const refusal = compiled.find((c) => c !== undefined);
    if (refusal !== undefined) throw refusal;
    const started = new Date();
    const running = await startCapture(
      {
        sources,
        seconds: request.seconds,
        snaplen: request.snaplen,
        maxBytes: captureMaxBytes(),
        comment: `nsatlas capture on node ${snapshot.node.name}: ${sources.map((s) => s.label).join(", ")}; filter ${JSON.stringify(request.filter)}; ${request.seconds} s`,
        os: `Linux ${snapshot.node.kernel}`,
        userAppl: `nsatlas ${NSATLAS_VERSION}`,
      },
      slot,
      signal,
    );
    const audited = resolved.map((r) => ({ label: r.label, netnsId: r.netns.id }));
    const outcome = running.outcome.then((o) => {
      slot.release();
      host.audit(who, auditDetail(request, audited, o));
      return o;
    });
    return {
      body: running.body,
      fileName: captureFileName(
        snapshot.node.name,
        audited.map((s) => s.label),
        started,
      ),
      labels: audited.map((s) => s.label),
      outcome,
    };
  } catch (err) {
    slot.release();
    throw err;
  } finally {
    // tcpdump holds its namespace by now (or never will): our descriptors have done their job.
    for (const fd of fds) fs.closeSync(fd);
  }
}
