/** The engine states on the wire: one message per state, and records written before states existed still read. */
import { describe, expect, it } from "vitest";
import {
  ENGINE_STATES,
  engineMessage,
  makeRuntimeStatus,
  runtimeStatusSchema,
  splitEngineMessage,
  STATUS_OF_STATE,
  RUNTIME_NAMES,
  type EngineState,
} from "../../../server/contract/runtime-status";

describe("engine states", () => {
  it.each(RUNTIME_NAMES.flatMap((name) => ENGINE_STATES.map((state) => ({ name, state }))))(
    "$name $state: a message naming the engine and the endpoint, then what to do",
    ({ name, state }) => {
      const message = engineMessage(name, "/run/x/engine.sock", state, 2000);
      expect(message.startsWith(`${name}: `)).toBe(true);
      expect(message).toContain("/run/x/engine.sock");
      expect(message).not.toContain("\n");
      const { problem, action } = splitEngineMessage({ name, message });
      expect(problem.length).toBeGreaterThan(0);
      expect(action?.length).toBeGreaterThan(0);
    },
  );

  it("keeps the coarse status older consumers read", () => {
    for (const state of ENGINE_STATES) {
      const status = makeRuntimeStatus({ name: "docker", endpoint: "/d.sock", state, latencyMs: 1 });
      expect(status.status).toBe(STATUS_OF_STATE[state]);
      expect(status.error).toBe(state === "ok" ? undefined : status.message);
      expect(runtimeStatusSchema.parse(status)).toEqual(status);
    }
  });

  it("refuses a detail that is not one short printable line", () => {
    const base = makeRuntimeStatus({ name: "docker", endpoint: "/d.sock", state: "error", latencyMs: 1 });
    expect(runtimeStatusSchema.safeParse({ ...base, detail: "HTTP 500" }).success).toBe(true);
    expect(runtimeStatusSchema.safeParse({ ...base, detail: "line one\nline two" }).success).toBe(false);
    expect(runtimeStatusSchema.safeParse({ ...base, detail: "x".repeat(81) }).success).toBe(false);
    expect(runtimeStatusSchema.safeParse({ ...base, state: "melted" }).success).toBe(false);
  });

  it.each<[{ status: string; error?: string; version?: string }, EngineState, string | undefined]>([
    [{ status: "ok", version: "20.10.24" }, "ok", undefined],
    [{ status: "absent", error: "/d.sock: no engine listening (ENOENT)" }, "absent", "ENOENT"],
    [{ status: "unreachable", error: "/d.sock: no answer within 2000 ms" }, "timeout", undefined],
    [{ status: "unreachable", error: "/d.sock: connection lost (ECONNRESET)" }, "dropped", "ECONNRESET"],
    [{ status: "unreachable", error: "stopped: answered until 2026-12-01T10:00:00.000Z, now /d.sock: no engine listening (ENOENT)" }, "stopped", "ENOENT"],
    [{ status: "error", error: "/d.sock: permission denied" }, "refused", undefined],
    [{ status: "error", error: "/d.sock: (HTTP code 500) server error" }, "error", undefined],
  ])("reads a record stored before states existed: %o as %s", (old, state, detail) => {
    const parsed = runtimeStatusSchema.parse({ name: "docker", endpoint: "/d.sock", latencyMs: 3, ...old });
    expect(parsed.state).toBe(state);
    expect(parsed.status).toBe(old.status);
    expect(parsed.detail).toBe(detail);
    expect(parsed.message).toBe(engineMessage("docker", "/d.sock", state, state === "timeout" ? 2000 : undefined));
    // The old reason text stays where old readers look for it.
    expect(parsed.error).toBe(old.error);
  });
});
