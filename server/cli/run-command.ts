/**
 * Runs one parsed command and turns what it throws into a line on stderr and an exit code:
 * a CliFailure carries its own, an invalid environment is a usage error (2), anything else a failure (1).
 */
import { ConfigError } from "../config";
import { CliFailure } from "./cli-failure";
import { agentCommand } from "./commands/agent";
import { doctorCommand } from "./commands/doctor";
import { exposeCommand, unexposeCommand } from "./commands/expose";
import { listCommand } from "./commands/list";
import { snapshotCommand } from "./commands/snapshot";
import { whereCommand } from "./commands/where";
import { printError } from "./output";
import type { Invocation } from "./parse-command-line";

function dispatch(invocation: Invocation): Promise<number> | number {
  switch (invocation.command) {
    case "snapshot":
      return snapshotCommand();
    case "list":
      return listCommand(invocation);
    case "where":
      return whereCommand(invocation);
    case "expose":
      return exposeCommand(invocation);
    case "unexpose":
      return unexposeCommand(invocation);
    case "doctor":
      return doctorCommand(invocation);
    case "agent":
      return agentCommand(invocation);
  }
}

/** "invalid environment:\n  A: x\n  B: y" → "invalid environment: A: x; B: y". */
function oneLine(message: string): string {
  const [head = "", ...rest] = message.split("\n").map((line) => line.trim());
  return rest.length === 0 ? head : `${head} ${rest.join("; ")}`;
}

export async function runCommand(invocation: Invocation): Promise<number> {
  try {
    return await dispatch(invocation);
  } catch (err) {
    if (err instanceof CliFailure) {
      printError(err.message);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      printError(`nsatlas ${invocation.command}: ${oneLine(err.message)} (see docs/configuration.md)`);
      return 2;
    }
    printError(`nsatlas ${invocation.command}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
