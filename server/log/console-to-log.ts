/**
 * Next.js (and any library) writes through console.*: in the dashboard's process those calls become
 * log lines too, so the whole standard output stays one JSON stream a collector can parse.
 */
import { format } from "node:util";
import { logger } from "./logger";

type Level = "debug" | "info" | "warn" | "error";

const METHODS: [keyof Console & ("log" | "info" | "warn" | "error" | "debug" | "trace"), Level][] = [
  ["log", "info"],
  ["info", "info"],
  ["warn", "warn"],
  ["error", "error"],
  ["debug", "debug"],
  ["trace", "debug"],
];

/** ANSI colour codes Next puts around its markers (✓, ⚠): noise in a JSON field. */
const ANSI = /\u001b\[[0-9;]*m/g;

export function routeConsoleToLog(source: string): void {
  const log = logger().child({ source });
  for (const [method, level] of METHODS) {
    console[method] = (...args: unknown[]) => {
      const error = args.find((a): a is Error => a instanceof Error);
      const msg = format(...args)
        .replace(ANSI, "")
        .trim();
      if (error === undefined) log[level](msg);
      else log[level]({ err: { name: error.name, message: error.message, stack: error.stack } }, msg);
    };
  }
}
