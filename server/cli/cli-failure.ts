import { ConfigError } from "../config";

/** A command's refusal or failure, in one line, with its exit code (1 failure, 2 usage); printed on stderr. `cause`: the error behind it, for the log. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** "invalid environment:\n  A: x\n  B: y" → "invalid environment: A: x; B: y". */
function oneLine(message: string): string {
  const [head = "", ...rest] = message.split("\n").map((line) => line.trim());
  return rest.length === 0 ? head : `${head} ${rest.join("; ")}`;
}

/**
 * What a command threw, as the line and exit code the person sees: a CliFailure carries its own, an
 * invalid environment is a usage error (2), anything else a failure (1).
 */
export function toCliFailure(command: string, err: unknown): CliFailure {
  if (err instanceof CliFailure) return err;
  if (err instanceof ConfigError) return new CliFailure(`nsatlas ${command}: ${oneLine(err.message)} (see docs/configuration.md)`, 2);
  return new CliFailure(`nsatlas ${command}: ${err instanceof Error ? err.message : String(err)}`, 1);
}
