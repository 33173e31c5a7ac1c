import { describe, expect, it } from "vitest";
import { classifyEngineError } from "../../../server/runtimes/classify-engine-error";
import { DeadlineError } from "../../../server/runtimes/deadline";

function sysError(code: string): Error {
  return Object.assign(new Error(`connect ${code} /s.sock`), { code });
}

describe("classifyEngineError", () => {
  it.each([
    [sysError("ENOENT"), "absent"],
    [sysError("ECONNREFUSED"), "absent"],
    [sysError("EACCES"), "error"],
    [new DeadlineError(2000), "unreachable"],
    [Object.assign(new Error("4 DEADLINE_EXCEEDED: Deadline exceeded"), { code: 4, details: "Deadline exceeded" }), "unreachable"],
    [Object.assign(new Error("14 UNAVAILABLE"), { details: "No connection established. Last error: connect ENOENT /run/x.sock" }), "absent"],
    [sysError("EPIPE"), "unreachable"],
    [sysError("ECONNRESET"), "unreachable"],
    [Object.assign(new Error("14 UNAVAILABLE: Connection dropped"), { code: 14, details: "Connection dropped" }), "unreachable"],
    [new Error("unexpected answer"), "error"],
    ["a string thrown", "error"],
  ])("maps %o to %s", (err, status) => {
    const result = classifyEngineError(err, "/s.sock");
    expect(result.status).toBe(status);
    expect(result.error).toContain("/s.sock");
  });
});
