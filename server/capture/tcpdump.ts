/**
 * tcpdump inside a namespace, always with an argument vector (never a shell):
 *   nsenter --net=/proc/self/fd/3 -- tcpdump -i <iface> -U -w - -s <snaplen> -p --immediate-mode --time-stamp-precision=nano -- <filter>
 * with the namespace's file as descriptor 3 (netns-file.ts); in the agent's own namespace, tcpdump
 * alone. -U writes each packet (and the header at once) as it comes, --immediate-mode hands packets
 * over without the ring's one-second block timeout, -p leaves the interface out of promiscuous mode.
 * The filter is one argument after `--`: it can never be read as an option.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CaptureError } from "./capture-error";
import { PcapStreamReader, type PcapHeader, type PcapRecord } from "./pcap-stream";

/** Where tcpdump runs: in the namespace open on `netnsFd`, or (undefined) in the agent's own. */
export interface TcpdumpTarget {
  iface: string;
  netnsFd: number | undefined;
}

export function captureArgs(iface: string, snaplen: number, filter: string): string[] {
  return [
    "-i",
    iface,
    "-U",
    "-w",
    "-",
    "-s",
    String(snaplen),
    "-p",
    "--immediate-mode",
    "--time-stamp-precision=nano",
    ...(filter === "" ? [] : ["--", filter]),
  ];
}

export function compileArgs(iface: string, snaplen: number, filter: string): string[] {
  return ["-d", "-i", iface, "-s", String(snaplen), "-p", "--", filter];
}

/** The command and arguments that run tcpdump with `args` where `target` says, and the stdio to spawn it with. */
export function tcpdumpCommand(target: TcpdumpTarget, args: string[]): { command: string; args: string[]; stdio: Array<"ignore" | "pipe" | number> } {
  if (target.netnsFd === undefined) return { command: "tcpdump", args, stdio: ["ignore", "pipe", "pipe"] };
  return { command: "nsenter", args: ["--net=/proc/self/fd/3", "--", "tcpdump", ...args], stdio: ["ignore", "pipe", "pipe", target.netnsFd] };
}

const STDERR_KEEP = 8192;

/** tcpdump's (or nsenter's) own words, without its "listening on" and statistics lines. */
export function errorText(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^listening on |packets? (captured|received by filter|dropped by kernel)$/.test(l) && !/^\(.*\)$/.test(l));
  return (lines[0] ?? stderr.trim()).replace(/^tcpdump: /, "").slice(0, 500) || "tcpdump failed without saying why";
}

/** What a failed start means for the person who asked. */
export function classifyFailure(stderr: string, where: string): CaptureError {
  const text = errorText(stderr);
  if (/No such device|doesn't exist/i.test(text)) return new CaptureError(404, "No such interface", `${where}: ${text}`);
  if (/not up/i.test(text)) return new CaptureError(409, "Interface is down", `${where}: ${text}`);
  if (/permission|not permitted|Couldn't change to|reassociate to namespace/i.test(text)) {
    return new CaptureError(
      503,
      "Capture is not possible on this agent",
      `${where}: ${text} (see docs/security.md: a capture needs CAP_NET_RAW, CAP_SETUID, CAP_SETGID, CAP_KILL)`,
    );
  }
  if (/ENOENT|spawn tcpdump|spawn nsenter|not found/i.test(text)) return new CaptureError(503, "tcpdump is not installed", `${where}: ${text}`);
  return new CaptureError(400, "Invalid filter", `${where}: ${text}`);
}

/** Compiles the filter for the interface, in its namespace, without capturing: undefined when it compiles, else why not. */
export function checkFilter(target: TcpdumpTarget, snaplen: number, filter: string, where: string, timeoutMs = 10_000): Promise<CaptureError | undefined> {
  if (filter === "") return Promise.resolve(undefined);
  const { command, args, stdio } = tcpdumpCommand(target, compileArgs(target.iface, snaplen, filter));
  return new Promise((resolve) => {
    let stderr = "";
    const child = spawn(command, args, { stdio, timeout: timeoutMs, killSignal: "SIGKILL" });
    child.stdout?.resume();
    child.stderr?.on("data", (b: Buffer) => {
      if (stderr.length < STDERR_KEEP) stderr += b.toString();
    });
    child.on("error", (err) => resolve(classifyFailure(`${err.message}`, where)));
    child.on("close", (code) => resolve(code === 0 ? undefined : classifyFailure(stderr, where)));
  });
}

/** What tcpdump said about its counts when it stopped. */
export interface TcpdumpCounts {
  receivedByFilter?: number;
  droppedByKernel?: number;
}

export function parseCounts(stderr: string): TcpdumpCounts {
  const count = (what: string) => {
    const m = new RegExp(`^(\\d+) packets? ${what}$`, "m").exec(stderr);
    return m?.[1] === undefined ? undefined : Number(m[1]);
  };
  const receivedByFilter = count("received by filter");
  const droppedByKernel = count("dropped by kernel");
  return { ...(receivedByFilter === undefined ? {} : { receivedByFilter }), ...(droppedByKernel === undefined ? {} : { droppedByKernel }) };
}

/**
 * One running tcpdump: its pcap stream parsed as it arrives, its stderr kept, and a stop that sends
 * SIGTERM and, `graceMs` later, SIGKILL to exactly this PID.
 */
export class TcpdumpProcess {
  readonly child: ChildProcess;
  private readonly reader = new PcapStreamReader();
  private stderrText = "";
  private killTimer: NodeJS.Timeout | undefined;
  private exitCode: number | null | undefined;
  /** Settles when the process has exited and its output is read to the end. */
  readonly closed: Promise<void>;
  /** Resolves with the pcap header once tcpdump wrote it (it is listening then); rejects when it ended first. */
  readonly started: Promise<PcapHeader>;

  constructor(target: TcpdumpTarget, snaplen: number, filter: string, onRecords: (records: PcapRecord[]) => void, onFormatError: (err: Error) => void) {
    const { command, args, stdio } = tcpdumpCommand(target, captureArgs(target.iface, snaplen, filter));
    this.child = spawn(command, args, { stdio });
    let resolveStarted: (h: PcapHeader) => void = () => undefined;
    let rejectStarted: (e: Error) => void = () => undefined;
    this.started = new Promise<PcapHeader>((resolve, reject) => {
      resolveStarted = resolve;
      rejectStarted = reject;
    });
    // Nobody may be waiting for the start by the time it fails (the capture was stopped): no unhandled rejection.
    this.started.catch(() => undefined);
    this.child.stdout?.on("data", (chunk: Buffer) => {
      let records: PcapRecord[];
      try {
        records = this.reader.push(chunk);
      } catch (err) {
        onFormatError(err instanceof Error ? err : new Error(String(err)));
        this.stop(0);
        return;
      }
      if (this.reader.header !== undefined) resolveStarted(this.reader.header);
      if (records.length > 0) onRecords(records);
    });
    this.child.stderr?.on("data", (b: Buffer) => {
      if (this.stderrText.length < STDERR_KEEP) this.stderrText += b.toString();
    });
    this.closed = new Promise((resolve) => {
      this.child.on("error", (err) => {
        this.stderrText += `\n${err.message}`;
        this.exitCode = null;
        rejectStarted(new Error(err.message));
        resolve();
      });
      this.child.on("close", (code) => {
        this.exitCode = code;
        clearTimeout(this.killTimer);
        rejectStarted(new Error(this.stderrText));
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get isRunning(): boolean {
    return this.exitCode === undefined && this.child.pid !== undefined;
  }

  /** Bytes of an unfinished record left when the stream ended (0 for a clean end). */
  get leftoverBytes(): number {
    return this.reader.bufferedBytes;
  }

  pause(): void {
    this.child.stdout?.pause();
  }

  resume(): void {
    this.child.stdout?.resume();
  }

  /** SIGTERM now (tcpdump writes what it holds and its counts), SIGKILL after `graceMs` if it is still there; 0: SIGKILL at once. */
  stop(graceMs: number): void {
    if (!this.isRunning) return;
    if (graceMs <= 0) {
      this.signal("SIGKILL");
      return;
    }
    this.signal("SIGTERM");
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => this.signal("SIGKILL"), graceMs);
  }

  private signal(signal: NodeJS.Signals): void {
    if (!this.isRunning) return;
    try {
      this.child.kill(signal);
    } catch {
      // Exited in between.
    }
  }
}
