import { snapshotJsonParts } from "../snapshot/snapshot-json";

/** Data goes to stdout; pipes and files are written synchronously on Linux, so nothing is cut off at exit. */
export function printText(text: string): void {
  process.stdout.write(text);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A snapshot for programs, megabytes on a large node (~3.5 MB at 1,000 namespaces): on one line, the bytes the
 * API serves, when it goes to a file or a pipe; indented only for a person at a terminal. Indenting nearly
 * doubles the bytes to build, encode and write (~25 ms more at 1,000 namespaces). Written piece by piece: one
 * buffer of the whole would be one more copy of it (~5 ms at 1,000 namespaces).
 */
export function printJsonDocument(value: Readonly<Record<string, unknown>>): void {
  if (process.stdout.isTTY) {
    printJson(value);
    return;
  }
  for (const part of snapshotJsonParts(value)) process.stdout.write(part);
  process.stdout.write("\n");
}

/** Errors and refusals go to stderr, one line each. */
export function printError(message: string): void {
  process.stderr.write(`${message}\n`);
}
