"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { CAPTURE_LIMITS } from "@/server/contract/capture";
import { useNodeScope } from "../cluster/node-scope";
import { formatBytes } from "../netns/format-bytes";
import { CopyButton } from "../ui/copy-button";
import { captureStatusQuery, capturesPath, runCapture, saveBlob, wiresharkCommand, type CaptureBody } from "./capture-client";

/** One thing a panel can capture on: an interface, a pod, a veth pair. */
export interface CaptureTarget {
  key: string;
  /** The button's text: "Capture eth0". */
  label: string;
  body: CaptureBody;
  /** The one the shell command shows until a capture was started (not loopback). */
  isPreferred?: boolean;
}

/** The page's origin never changes while it is open. */
const noSubscription = () => () => undefined;

type State =
  | { kind: "idle" }
  | { kind: "running"; target: string; bytes: number }
  | { kind: "done"; target: string; fileName: string; bytes: number }
  | { kind: "failed"; target: string; message: string };

type PanelProps = { title: string; targets: CaptureTarget[]; testId: string };

/**
 * Packet capture on the page: seconds and filter, then a button per target. The file streams into
 * the page while the capture runs and is offered as a download when it ends. Shown only when the
 * agent says capture is on (GET /api/v1/captures), and on a node page of the hub only when the scope
 * allows it (the hub then forwards to that node's agent).
 */
export function CapturePanel(props: PanelProps) {
  const scope = useNodeScope();
  if (scope !== undefined && !scope.capabilities.capture) return null;
  return <CaptureControls {...props} path={capturesPath(scope?.node)} />;
}

function CaptureControls({ title, targets, testId, path }: PanelProps & { path: string }) {
  const status = useQuery(captureStatusQuery());
  const [seconds, setSeconds] = useState<number>(CAPTURE_LIMITS.defaultSeconds);
  const [filter, setFilter] = useState("");
  const [state, setState] = useState<State>({ kind: "idle" });
  const [elapsed, setElapsed] = useState(0);
  const [lastKey, setLastKey] = useState<string | undefined>(undefined);
  const abort = useRef<AbortController | undefined>(undefined);
  const origin = useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => "http://127.0.0.1:3000",
  );
  // Leaving the page stops a running capture (on the server too).
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (state.kind !== "running") return;
    const timer = setInterval(() => setElapsed((e) => e + 1), 1000);
    return () => clearInterval(timer);
  }, [state.kind]);
  if (status.data === undefined || !status.data.isEnabled || targets.length === 0) return null;
  const isRunning = state.kind === "running";
  const bodyOf = (t: CaptureTarget) => ({ ...t.body, seconds, ...(filter.trim() === "" ? {} : { filter: filter.trim() }) });

  async function start(target: CaptureTarget) {
    const controller = new AbortController();
    abort.current = controller;
    setElapsed(0);
    setLastKey(target.key);
    setState({ kind: "running", target: target.label, bytes: 0 });
    try {
      const file = await runCapture(path, bodyOf(target), (bytes) => setState((s) => (s.kind === "running" ? { ...s, bytes } : s)), controller.signal);
      saveBlob(file.blob, file.fileName);
      setState({ kind: "done", target: target.label, fileName: file.fileName, bytes: file.blob.size });
    } catch (err) {
      const message = controller.signal.aborted ? "cancelled: the capture was stopped and its file dropped" : err instanceof Error ? err.message : String(err);
      setState({ kind: "failed", target: target.label, message });
    }
  }

  const first = targets.find((t) => t.key === lastKey) ?? targets.find((t) => t.isPreferred) ?? targets[0];
  return (
    <section className="space-y-2 text-sm" data-testid={testId}>
      <h2 className="text-base font-semibold">{title}</h2>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-slate-600 dark:text-slate-400">Seconds</span>
          <input
            type="number"
            min={CAPTURE_LIMITS.minSeconds}
            max={status.data.maxSeconds}
            value={seconds}
            onChange={(e) => setSeconds(Math.max(CAPTURE_LIMITS.minSeconds, Math.min(status.data.maxSeconds, Math.round(Number(e.target.value) || 1))))}
            className="w-20 rounded border border-slate-300 bg-white px-1 py-0.5 tabular-nums dark:border-slate-700 dark:bg-slate-900"
            aria-label="Capture seconds"
            disabled={isRunning}
          />
        </label>
        <label className="flex min-w-64 flex-1 flex-col gap-0.5">
          <span className="text-xs text-slate-600 dark:text-slate-400">Filter (pcap-filter, e.g. icmp or port 53)</span>
          <input
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            maxLength={CAPTURE_LIMITS.maxFilterLength}
            placeholder="everything"
            className="rounded border border-slate-300 bg-white px-1 py-0.5 font-mono dark:border-slate-700 dark:bg-slate-900"
            aria-label="Capture filter"
            disabled={isRunning}
          />
        </label>
      </div>
      <div className="flex flex-wrap gap-2">
        {targets.map((t) => (
          <button
            key={t.key}
            type="button"
            disabled={isRunning}
            onClick={() => void start(t)}
            className="rounded border border-sky-700 px-2 py-0.5 text-sky-800 hover:bg-sky-50 disabled:opacity-50 dark:border-sky-500 dark:text-sky-300 dark:hover:bg-slate-800"
            data-capture={t.key}
          >
            {t.label}
          </button>
        ))}
        {isRunning && (
          <button type="button" onClick={() => abort.current?.abort()} className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700">
            Cancel
          </button>
        )}
      </div>
      <p aria-live="polite" data-testid={`${testId}-state`} className={state.kind === "failed" ? "text-rose-700 dark:text-rose-300" : ""}>
        {state.kind === "running" && `${state.target}: capturing, ${Math.min(seconds, elapsed)} of ${seconds} s, ${formatBytes(state.bytes)} so far`}
        {state.kind === "done" && `${state.target}: saved ${state.fileName} (${formatBytes(state.bytes)})`}
        {state.kind === "failed" && `${state.target}: ${state.message}`}
      </p>
      {status.data.missingCapabilities.length > 0 && (
        <p className="text-amber-800 dark:text-amber-300">This agent lacks {status.data.missingCapabilities.join(", ")}: captures will be refused.</p>
      )}
      {first && (
        <details className="text-xs text-slate-600 dark:text-slate-400">
          <summary className="cursor-pointer">Live in Wireshark, from a shell</summary>
          <div className="mt-1 flex items-start gap-2">
            <code className="rounded bg-slate-100 px-2 py-1 break-all dark:bg-slate-800">{wiresharkCommand(origin, path, bodyOf(first))}</code>
            <CopyButton text={wiresharkCommand(origin, path, bodyOf(first))} />
          </div>
        </details>
      )}
      <p className="text-xs text-slate-600 dark:text-slate-400">
        At most {status.data.maxSeconds} s and {formatBytes(status.data.maxBytes)} per capture, {status.data.maxConcurrent} at once on this agent; each capture
        is audited.
      </p>
    </section>
  );
}
