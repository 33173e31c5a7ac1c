/**
 * Run by logger.test.ts in a child process (node --import tsx), so that the test reads what pino really
 * writes to the file descriptors: `node --import tsx emit-log-lines.ts <scenario>`.
 */
import { logUnexpected, RecurringFailure } from "../../../server/log/failures";
import { audit, configureLogger, errorFields, logger } from "../../../server/log/logger";

class CodedError extends Error {
  readonly code = "ENOENT";
}

const scenarios: Record<string, () => void> = {
  /** One line at each level, with a context field. */
  levels() {
    for (const level of ["trace", "debug", "info", "warn", "error", "fatal"] as const) logger()[level]({ n: level }, `a ${level} line`);
  },
  /** Audit lines, whatever NSATLAS_LOG_LEVEL says. */
  audit() {
    audit("freeze", "alice", "snapshot 42");
    audit("login-failed", "10.0.0.7");
  },
  /** A one-shot command: everything on stderr, stdout left to the data. */
  stderr() {
    configureLogger({ fd: 2 });
    logger().info("a log line");
    audit("expose", "cli root (uid 0)", "pod:a/b (netns 1) at /run/netns/x");
    process.stdout.write("data\n");
  },
  /** errorFields of an Error, a system error and a thrown string, in log lines; an Error passed as is. */
  errors() {
    logger().error({ err: errorFields(new TypeError("bad type")) }, "plain");
    logger().error({ err: errorFields(new CodedError("no such file")) }, "coded");
    logger().error({ err: errorFields("just a string") }, "non-error");
    logger().error({ err: new RangeError("passed as is") }, "raw");
  },
  /** A context field named pid (a process being read) beside the logger's own. */
  pidClash() {
    logger().debug({ pid: 1 }, "about process 1");
    logger().info({ pid: 1 }, "about process 1");
  },
  /** The same unexpected failure three times in a minute, then later; a recurring failure that repeats, changes and clears. */
  failures() {
    const err = new CodedError("gone");
    logUnexpected("reading a thing", err, { pid: 1 }, 0);
    logUnexpected("reading a thing", err, { pid: 2 }, 1000);
    logUnexpected("reading a thing", err, { pid: 3 }, 2000);
    logUnexpected("reading a thing", err, { pid: 4 }, 61_000);
    const recurring = new RecurringFailure("the schedule");
    recurring.failed(new Error("disk full"));
    recurring.failed(new Error("disk full"));
    recurring.failed(new Error("read-only"));
    recurring.succeeded();
    recurring.succeeded();
  },
};

const scenario = scenarios[process.argv[2] ?? ""];
if (scenario === undefined) throw new Error(`no scenario ${process.argv[2] ?? "(none)"}`);
scenario();
