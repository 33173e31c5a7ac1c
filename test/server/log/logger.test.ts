/**
 * The logger as a process writes it: each case runs emit-log-lines.ts in a child (node --import tsx) and
 * reads its real stdout and stderr, so pino itself is under test, not a mock of it.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const SCRIPT = path.join(import.meta.dirname, "emit-log-lines.ts");

const lineSchema = z.looseObject({ level: z.string(), time: z.iso.datetime(), pid: z.number().int(), msg: z.string() });
type Line = z.infer<typeof lineSchema>;

function run(scenario: string, env: Record<string, string | undefined> = {}): { stdout: Line[]; stderr: Line[]; pid: number; rawStdout: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, scenario], {
    encoding: "utf8",
    env: { ...process.env, NSATLAS_LOG_LEVEL: undefined, ...env },
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`emit-log-lines ${scenario} exited ${r.status}: ${r.stderr}`);
  const parse = (text: string) =>
    text
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => lineSchema.parse(JSON.parse(l)));
  return { stdout: parse(r.stdout), stderr: parse(r.stderr), pid: r.pid ?? 0, rawStdout: r.stdout };
}

describe("logger()", () => {
  it("writes one JSON object per line on stdout: level as a word, ISO time, pid, msg and the context", () => {
    const { stdout, stderr, pid } = run("levels");
    expect(stderr).toEqual([]);
    expect(stdout[0]).toEqual({ level: "info", time: expect.any(String), pid, msg: "a info line", n: "info" });
    expect(Math.abs(Date.parse(stdout[0]?.time ?? "") - Date.now())).toBeLessThan(60_000);
  });

  it("keeps `pid` for its own process: a context pid is written as targetPid, never as a second pid key", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, "pidClash"], { encoding: "utf8", env: { ...process.env, NSATLAS_LOG_LEVEL: undefined } });
    expect(r.stdout.match(/"pid":/g)).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ pid: r.pid, targetPid: 1, msg: "about process 1" });
  });

  it("writes info and above by default", () => {
    expect(run("levels").stdout.map((l) => l.level)).toEqual(["info", "warn", "error", "fatal"]);
  });

  it.each([
    ["debug", ["debug", "info", "warn", "error", "fatal"]],
    ["trace", ["trace", "debug", "info", "warn", "error", "fatal"]],
    ["warn", ["warn", "error", "fatal"]],
    ["error", ["error", "fatal"]],
    ["silent", []],
    ["shouting", ["info", "warn", "error", "fatal"]],
  ])("NSATLAS_LOG_LEVEL=%s: writes %j", (level, levels) => {
    expect(run("levels", { NSATLAS_LOG_LEVEL: level }).stdout.map((l) => l.level)).toEqual(levels);
  });
});

describe("audit()", () => {
  it("writes the stable audit shape, with detail only when given", () => {
    const { stdout, pid } = run("audit");
    expect(stdout).toEqual([
      { level: "info", time: expect.any(String), pid, msg: "audit", audit: "freeze", who: "alice", detail: "snapshot 42" },
      { level: "info", time: expect.any(String), pid, msg: "audit", audit: "login-failed", who: "10.0.0.7" },
    ]);
  });

  it.each(["error", "silent"])("is written whatever NSATLAS_LOG_LEVEL says (%s)", (level) => {
    expect(run("audit", { NSATLAS_LOG_LEVEL: level }).stdout.map((l) => [l.msg, l.audit])).toEqual([
      ["audit", "freeze"],
      ["audit", "login-failed"],
    ]);
  });
});

describe("configureLogger({ fd: 2 })", () => {
  it("sends log and audit lines to stderr, leaving stdout to the data", () => {
    const { stdout, stderr, rawStdout } = run("stderr");
    expect(rawStdout).toBe("data\n");
    expect(stdout).toEqual([]);
    expect(stderr.map((l) => l.msg)).toEqual(["a log line", "audit"]);
    expect(stderr[1]).toMatchObject({ audit: "expose", who: "cli root (uid 0)" });
  });
});

describe("errorFields()", () => {
  it("gives name and message, the errno code when there is one, and a stack only when debug lines are written", () => {
    const info = run("errors").stdout.map((l) => [l.msg, l.err]);
    expect(info).toEqual([
      ["plain", { name: "TypeError", message: "bad type" }],
      ["coded", { name: "Error", message: "no such file", code: "ENOENT" }],
      ["non-error", { name: "NonError", message: "just a string" }],
      ["raw", { name: "RangeError", message: "passed as is" }],
    ]);
    const debug = run("errors", { NSATLAS_LOG_LEVEL: "debug" }).stdout.map((l) => l.err);
    expect(debug[0]).toMatchObject({ name: "TypeError", message: "bad type", stack: expect.stringContaining("TypeError: bad type\n    at ") });
    expect(debug[2]).toEqual({ name: "NonError", message: "just a string" });
  });
});

describe("logUnexpected() and RecurringFailure", () => {
  it("warn once a minute per site and code (counting what it held back), debug in between; a recurring failure warns when it starts or changes, info when it clears", () => {
    const lines = run("failures", { NSATLAS_LOG_LEVEL: "debug" }).stdout;
    expect(lines.map((l) => [l.level, l.msg, l.heldBack])).toEqual([
      ["warn", "reading a thing: unexpected failure", undefined],
      ["debug", "reading a thing: unexpected failure", undefined],
      ["debug", "reading a thing: unexpected failure", undefined],
      ["warn", "reading a thing: unexpected failure", 2],
      ["warn", "the schedule failed", undefined],
      ["debug", "the schedule failed again", undefined],
      ["warn", "the schedule failed", undefined],
      ["info", "the schedule works again", undefined],
    ]);
    expect(lines[0]).toMatchObject({ site: "reading a thing", err: { name: "Error", message: "gone", code: "ENOENT" } });
    expect(run("failures").stdout.map((l) => l.level)).toEqual(["warn", "warn", "warn", "warn", "info"]);
  });
});
