/**
 * The one logger of the server side: JSON lines (`level`, `time`, `msg`, context) through pino.
 * One instance per process, kept on globalThis because Next bundles its routes apart from the code
 * that starts the dashboard; level from NSATLAS_LOG_LEVEL. Every line has `level` (a word), `time` (ISO),
 * `pid` (this process) and `msg`; an error goes in `err` (errorFields' shape).
 */
import { pino, type Logger } from "pino";
import type { LogLevel } from "../config";

export type { Logger };

const LOGGER_KEY = Symbol.for("nsatlas.logger");
const AUDIT_KEY = Symbol.for("nsatlas.audit-logger");
type GlobalWithLogger = typeof globalThis & { [LOGGER_KEY]?: Logger; [AUDIT_KEY]?: Logger };

const LEVELS: readonly string[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function levelFromEnv(): LogLevel {
  const wanted = process.env.NSATLAS_LOG_LEVEL ?? "info";
  return LEVELS.includes(wanted) ? (wanted as LogLevel) : "info";
}

/** `pid` is this process's (pino's base): a context field of that name (a process being read) is written as `targetPid`, never as a second `pid` key. */
function withoutPidClash(object: Record<string, unknown>): Record<string, unknown> {
  if (!Object.hasOwn(object, "pid")) return object;
  const { pid, ...rest } = object;
  return { ...rest, targetPid: pid };
}

/** Log lines go to standard output (1) for the servers, to standard error (2) for one-shot commands whose output is data. */
export function createLogger(options: { level: LogLevel; fd: 1 | 2 }): Logger {
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: withoutPidClash },
      // `err` is errorFields' shape, whether a caller passes those fields or the Error itself (pino's own serializer adds type and stack to both).
      serializers: { err: (value: unknown) => (value instanceof Error ? errorFields(value) : value) },
    },
    pino.destination({ fd: options.fd, sync: true }),
  );
}

/** Chooses where this process logs; call before the first line (later calls replace the logger). */
export function configureLogger(options: { fd: 1 | 2 }): Logger {
  const g: GlobalWithLogger = globalThis;
  g[LOGGER_KEY] = createLogger({ level: levelFromEnv(), fd: options.fd });
  g[AUDIT_KEY] = createLogger({ level: "info", fd: options.fd });
  return g[LOGGER_KEY];
}

export function logger(): Logger {
  const g: GlobalWithLogger = globalThis;
  g[LOGGER_KEY] ??= createLogger({ level: levelFromEnv(), fd: 1 });
  return g[LOGGER_KEY];
}

/** A log line's `err` field: name and message; `code` for a system error ("ENOENT"); the stack only when debug lines are written. */
export interface ErrorFields {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** An error's name, message, errno code and (at debug) stack, for a log line's `err` field. */
export function errorFields(err: unknown): ErrorFields {
  if (!(err instanceof Error)) return { name: "NonError", message: String(err) };
  const code = "code" in err && typeof err.code === "string" ? err.code : undefined;
  const stack = err.stack !== undefined && logger().isLevelEnabled("debug") ? err.stack : undefined;
  return { name: err.name, message: err.message, ...(code === undefined ? {} : { code }), ...(stack === undefined ? {} : { stack }) };
}

/** Every write nsatlas makes to the host or its history, every packet capture, and every refused credential. */
export type AuditAction = "login" | "login-failed" | "bearer-failed" | "freeze" | "import" | "expose" | "unexpose" | "capture";

/** One audit line: `{"level":"info","msg":"audit","audit":<action>,"who":…,"detail":…}`, whatever NSATLAS_LOG_LEVEL says. */
export function audit(action: AuditAction, who: string, detail?: string): void {
  const g: GlobalWithLogger = globalThis;
  g[AUDIT_KEY] ??= createLogger({ level: "info", fd: 1 });
  g[AUDIT_KEY].info({ audit: action, who, ...(detail === undefined ? {} : { detail }) }, "audit");
}
