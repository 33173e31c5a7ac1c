/**
 * One capture: a tcpdump per source, their pcap streams merged in timestamp order into one pcapng
 * stream (SHB, an IDB per source, EPBs, an ISB per source at the end), under the limits:
 *  - it runs `seconds` from the moment every tcpdump listens, then each gets SIGTERM;
 *  - the file stays under `maxBytes`: the packet that would pass the cap is not written, the capture
 *    stops there and the file ends after whole blocks (the end's statistics are kept room for);
 *  - a reader that goes away (cancel, or the request's signal) stops it at once: SIGTERM, then
 *    SIGKILL a second later, to exactly the PIDs it started.
 * `outcome` settles once every tcpdump has exited, whatever ended the capture.
 */
import { CaptureError } from "./capture-error";
import type { CaptureSlot } from "./capture-slots";
import { TimeMerger } from "./merge-by-time";
import type { PcapHeader, PcapRecord } from "./pcap-stream";
import {
  enhancedPacketBlock,
  enhancedPacketBlockLength,
  INTERFACE_STATISTICS_BLOCK_LENGTH,
  interfaceDescriptionBlock,
  interfaceStatisticsBlock,
  sectionHeaderBlock,
} from "./pcapng";
import { classifyFailure, parseCounts, TcpdumpProcess } from "./tcpdump";

export interface SourcePlan {
  /** if_name: "<owner>/<iface>". */
  label: string;
  /** if_description. */
  description: string;
  iface: string;
  /** The namespace's open file, or undefined for the agent's own namespace. */
  netnsFd: number | undefined;
  /** The filter this source runs (the request's own connection left out where it could be seen). */
  filter: string;
}

export interface CapturePlan {
  sources: SourcePlan[];
  seconds: number;
  snaplen: number;
  maxBytes: number;
  /** The SHB's comment (what was captured, where). */
  comment: string;
  /** shb_os. */
  os: string;
  userAppl: string;
}

export type EndReason = "time" | "byte-cap" | "client" | "sources-ended" | "failed";

export interface SourceOutcome {
  label: string;
  packets: number;
  receivedByFilter?: number;
  droppedByKernel?: number;
}

export interface CaptureOutcome {
  endedBy: EndReason;
  bytes: number;
  packets: number;
  durationMs: number;
  /** Packets written out of timestamp order (see merge-by-time.ts). */
  late: number;
  sources: SourceOutcome[];
  /** What went wrong, when something did. */
  error?: string;
}

export interface CaptureTimings {
  /** How long every tcpdump may take to start listening. */
  startTimeoutMs: number;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs: number;
  /** The merge's reorder window. */
  reorderWindowMs: number;
}

export const CAPTURE_TIMINGS: CaptureTimings = { startTimeoutMs: 10_000, killGraceMs: 1000, reorderWindowMs: 100 };

/** How much a client may have unread before the tcpdumps' pipes are paused (the kernel's ring then holds, and drops, the rest). */
const HIGH_WATER_BYTES = 1024 * 1024;
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

export interface RunningCapture {
  body: ReadableStream<Uint8Array>;
  outcome: Promise<CaptureOutcome>;
  /** Stops the capture as a client that left would (tests, the process stopping). */
  abort(): void;
}

/**
 * Starts every tcpdump and waits until each listens (or one fails: then all are stopped and the error
 * is thrown, so the request can still get a proper answer). `signal` is the request's: its abort
 * stops the capture at once.
 */
export async function startCapture(
  plan: CapturePlan,
  slot: CaptureSlot,
  signal: AbortSignal,
  timings: CaptureTimings = CAPTURE_TIMINGS,
): Promise<RunningCapture> {
  const merger = new TimeMerger<PcapRecord>(plan.sources.length, timings.reorderWindowMs);
  let wake: () => void = () => undefined;
  let formatError: Error | undefined;
  let isStopping = false;
  /** Sources whose tcpdump ended before anyone asked it to, in the order they did. */
  const endedEarly: number[] = [];
  const processes = plan.sources.map((source, index) => {
    const p = new TcpdumpProcess(
      { iface: source.iface, netnsFd: source.netnsFd },
      plan.snaplen,
      source.filter,
      (records) => {
        for (const r of records) merger.push(index, r);
        wake();
      },
      (err) => {
        formatError = err;
        wake();
      },
    );
    if (p.pid !== undefined) slot.pids.add(p.pid);
    void p.closed.then(() => {
      if (!isStopping) endedEarly.push(index);
      if (p.pid !== undefined) slot.pids.delete(p.pid);
      merger.end(index);
      wake();
    });
    return p;
  });
  const allClosed = Promise.all(processes.map((p) => p.closed));
  const stopAll = (graceMs: number) => {
    isStopping = true;
    // Paused pipes would keep a stopped tcpdump's last bytes, and its exit, from ever being read.
    processes.forEach((p) => {
      p.resume();
      p.stop(graceMs);
    });
  };

  let headers: PcapHeader[];
  let startTimer: NodeJS.Timeout | undefined;
  try {
    headers = await Promise.race([
      Promise.all(processes.map((p) => p.started)),
      new Promise<never>((_, reject) => {
        startTimer = setTimeout(() => reject(new Error("timeout")), timings.startTimeoutMs);
      }),
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(new Error("aborted"));
        signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
      }),
    ]);
  } catch {
    clearTimeout(startTimer);
    stopAll(timings.killGraceMs);
    await allClosed;
    if (signal.aborted) throw new CaptureError(400, "Capture abandoned", "the client left before the capture started");
    const failed = endedEarly[0];
    if (failed === undefined) throw new CaptureError(503, "Capture did not start", `tcpdump did not start listening within ${timings.startTimeoutMs} ms`);
    throw classifyFailure(processes[failed]?.stderr ?? "", plan.sources[failed]?.label ?? "capture");
  }
  clearTimeout(startTimer);
  const startedAtMs = performance.now();
  const startNs = nowNs();

  let written = 0;
  let endedBy: EndReason | undefined;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let isClosed = false;
  const perSource = plan.sources.map(() => 0);
  const reserve = plan.sources.length * INTERFACE_STATISTICS_BLOCK_LENGTH;
  let tick: NodeJS.Timeout | undefined;
  let endTimer: NodeJS.Timeout | undefined;

  const enqueue = (block: Buffer) => {
    if (controller === undefined || isClosed) return;
    controller.enqueue(new Uint8Array(block.buffer, block.byteOffset, block.byteLength));
    written += block.length;
    // A slow reader pauses the pipes while the capture runs; once it is stopping, what is left (at most a pipe's worth) is read
    // at once, so that every tcpdump's exit is seen and the slot freed whether or not the client reads on.
    if (!isStopping && (controller.desiredSize ?? 1) <= 0) processes.forEach((p) => p.pause());
  };

  const end = (reason: EndReason, graceMs: number) => {
    endedBy ??= reason;
    clearTimeout(endTimer);
    stopAll(graceMs);
  };

  const writePackets = (items: Array<{ source: number; item: PcapRecord }>) => {
    for (const { source, item } of items) {
      if (endedBy === "byte-cap" || endedBy === "client") return;
      if (written + enhancedPacketBlockLength(item.data.length) + reserve > plan.maxBytes) {
        end("byte-cap", timings.killGraceMs);
        return;
      }
      enqueue(enhancedPacketBlock(source, item.timestampNs, item.originalLength, item.data));
      perSource[source] = (perSource[source] ?? 0) + 1;
    }
  };

  let resolveOutcome: (o: CaptureOutcome) => void = () => undefined;
  const outcome = new Promise<CaptureOutcome>((resolve) => {
    resolveOutcome = resolve;
  });

  const finish = () => {
    clearInterval(tick);
    clearTimeout(endTimer);
    signal.removeEventListener("abort", onAbort);
    const sources = plan.sources.map((s, i): SourceOutcome => ({ label: s.label, packets: perSource[i] ?? 0, ...parseCounts(processes[i]?.stderr ?? "") }));
    if (endedBy === "client" && !isClosed) {
      // The request's signal ended it but the body was never cancelled: end the body too (nobody reads it).
      isClosed = true;
      try {
        controller?.close();
      } catch {
        // Already cancelled.
      }
    } else if (!isClosed) {
      writePackets(merger.flush());
      const now = nowNs();
      sources.forEach((s, i) =>
        enqueue(interfaceStatisticsBlock(i, now, { startNs, endNs: now, filterAccept: s.receivedByFilter, osDrop: s.droppedByKernel, delivered: s.packets })),
      );
      isClosed = true;
      controller?.close();
    }
    const failure =
      formatError?.message ??
      processes.map((p) => (p.leftoverBytes > 0 ? `${p.leftoverBytes} bytes of an unfinished record from tcpdump` : "")).find((t) => t !== "");
    resolveOutcome({
      endedBy: endedBy ?? (formatError === undefined ? "sources-ended" : "failed"),
      bytes: written,
      packets: perSource.reduce((a, b) => a + b, 0),
      durationMs: Math.round(performance.now() - startedAtMs),
      late: merger.late,
      sources,
      ...(failure === undefined ? {} : { error: failure }),
    });
  };

  const onAbort = () => {
    end("client", timings.killGraceMs);
  };
  signal.addEventListener("abort", onAbort, { once: true });

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        enqueue(sectionHeaderBlock({ userAppl: plan.userAppl, os: plan.os, comment: plan.comment }));
        plan.sources.forEach((s, i) => {
          const h = headers[i];
          if (h !== undefined)
            enqueue(interfaceDescriptionBlock({ linktype: h.linktype, snaplen: h.snaplen, name: s.label, description: s.description, filter: s.filter }));
        });
        wake = () => {
          if (formatError !== undefined) end("failed", 0);
          writePackets(merger.take());
        };
        wake();
        if (plan.sources.length > 1) tick = setInterval(wake, Math.max(10, Math.floor(timings.reorderWindowMs / 4)));
        endTimer = setTimeout(() => end("time", timings.killGraceMs), plan.seconds * 1000);
        void allClosed.then(finish);
      },
      pull() {
        processes.forEach((p) => p.resume());
      },
      cancel() {
        isClosed = true;
        end("client", timings.killGraceMs);
      },
    },
    { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );

  return { body, outcome, abort: onAbort };
}
