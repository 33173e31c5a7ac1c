import type { RuntimeName, RuntimeStatus } from "../contract/runtime-status";
import { answeringEngineStatus, failedEngineStatus } from "./classify-engine-error";
import { withDeadline } from "./deadline";
import type { RuntimeAdapter } from "./runtime";

/** One call to one engine: what it answered (when it did), and its status either way. */
export interface EngineAnswer<T> {
  value: T | undefined;
  status: RuntimeStatus;
}

/** A call made to an engine, and what its answer says about the engine (who answered, which version). */
export interface EngineCall<T> {
  call(adapter: RuntimeAdapter, signal: AbortSignal): Promise<T>;
  answered(adapter: RuntimeAdapter, value: T): { name: RuntimeName; version?: string };
}

/** The version call of a health probe. */
export const VERSION_CALL: EngineCall<{ name: RuntimeName; version: string }> = {
  call: (adapter, signal) => adapter.version(signal),
  answered: (_, answer) => answer,
};

/** Makes `call` within the deadline; never throws: every failure becomes a documented state (and a log line). */
export async function askEngine<T>(adapter: RuntimeAdapter, deadlineMs: number, call: EngineCall<T>): Promise<EngineAnswer<T>> {
  const started = performance.now();
  const latencyMs = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const value = await withDeadline(deadlineMs, (signal) => call.call(adapter, signal));
    const { name, version } = call.answered(adapter, value);
    return { value, status: answeringEngineStatus({ name, endpoint: adapter.endpoint, timeoutMs: deadlineMs, latencyMs: latencyMs() }, version) };
  } catch (err) {
    return {
      value: undefined,
      status: failedEngineStatus({ name: adapter.name, endpoint: adapter.endpoint, timeoutMs: deadlineMs, latencyMs: latencyMs() }, err),
    };
  }
}
