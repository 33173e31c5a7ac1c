/**
 * At most CAPTURE_LIMITS.maxConcurrent captures at once in this process, and no tcpdump outliving it.
 * Kept on globalThis: Next bundles the dashboard's capture route apart from the rest of the server,
 * and the limit is the process's, not a bundle's.
 */
import { CAPTURE_LIMITS } from "../contract/capture";
import { CaptureError } from "./capture-error";

export interface CaptureSlot {
  /** Until when the capture may run (its start plus its seconds), for Retry-After. */
  endsAtMs: number;
  /** The tcpdump PIDs of this capture, killed if the process exits while they run. */
  pids: Set<number>;
  release(): void;
}

interface Slots {
  taken: Set<CaptureSlot>;
  exitHookInstalled: boolean;
}

const SLOTS_KEY = Symbol.for("nsatlas.capture-slots");
type GlobalWithSlots = typeof globalThis & { [SLOTS_KEY]?: Slots };

function slots(): Slots {
  const g: GlobalWithSlots = globalThis;
  g[SLOTS_KEY] ??= { taken: new Set(), exitHookInstalled: false };
  return g[SLOTS_KEY];
}

/** How many captures run now. */
export function runningCaptures(): number {
  return slots().taken.size;
}

/**
 * Takes a slot for a capture of `seconds` (plus the time to start it), or throws a 429 that says when
 * one frees up. The caller releases it when the capture has ended, whatever way it ended.
 */
export function takeCaptureSlot(seconds: number, now = Date.now()): CaptureSlot {
  const s = slots();
  if (s.taken.size >= CAPTURE_LIMITS.maxConcurrent) {
    const soonest = Math.min(...[...s.taken].map((t) => t.endsAtMs));
    const retryAfter = Math.max(1, Math.ceil((soonest - now) / 1000));
    throw new CaptureError(
      429,
      "Too many captures",
      `${s.taken.size} captures are running (at most ${CAPTURE_LIMITS.maxConcurrent} at once); try again in ${retryAfter} s`,
      retryAfter,
    );
  }
  if (!s.exitHookInstalled) {
    s.exitHookInstalled = true;
    // A process that exits (a stop, a crash that still runs exit handlers) takes its captures with it.
    process.once("exit", () => {
      for (const slot of s.taken) for (const pid of slot.pids) killQuietly(pid);
    });
  }
  const slot: CaptureSlot = {
    endsAtMs: now + (seconds + 5) * 1000,
    pids: new Set(),
    release: () => void s.taken.delete(slot),
  };
  s.taken.add(slot);
  return slot;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
