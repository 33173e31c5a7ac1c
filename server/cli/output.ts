/** Data goes to stdout; pipes and files are written synchronously on Linux, so nothing is cut off at exit. */
export function printText(text: string): void {
  process.stdout.write(text);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Errors and refusals go to stderr, one line each. */
export function printError(message: string): void {
  process.stderr.write(`${message}\n`);
}
