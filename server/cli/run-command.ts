/**
 * Runs one parsed command and turns what it throws into a line on stderr and an exit code:
 * a CliFailure carries its own, an invalid environment is a usage error (2), anything else a failure (1).
 * `nsatlas agent` and `nsatlas dashboard` report their own failures to start, as JSON log lines (see commands/).
 */
import { configureLogger, errorFields, logger } from "../log/logger";
import { toCliFailure } from "./cli-failure";
import { agentCommand } from "./commands/agent";
import { dashboardCommand } from "./commands/dashboard";
import { doctorCommand } from "./commands/doctor";
import { exposeCommand, unexposeCommand } from "./commands/expose";
import { listCommand } from "./commands/list";
import { snapshotCommand } from "./commands/snapshot";
import { traceCommand } from "./commands/trace";
import { whereCommand } from "./commands/where";
import { printError } from "./output";
import type { ReadAhead } from "../snapshot/read-ahead";
import type { Invocation } from "./parse-command-line";

function dispatch(invocation: Invocation, readAhead: ReadAhead | undefined): Promise<number> | number {
  switch (invocation.command) {
    case "snapshot":
      return snapshotCommand(readAhead);
    case "list":
      return listCommand(invocation, readAhead);
    case "where":
      return whereCommand(invocation, readAhead);
    case "expose":
      return exposeCommand(invocation);
    case "unexpose":
      return unexposeCommand(invocation);
    case "doctor":
      return doctorCommand(invocation);
    case "agent":
      return agentCommand(invocation);
    case "dashboard":
      return dashboardCommand(invocation);
    case "trace":
      return traceCommand(invocation);
  }
}

/** `readAhead`: the node's reading the command line started for it (see start-read-ahead.ts); closed here whoever took it. */
export async function runCommand(invocation: Invocation, readAhead?: ReadAhead): Promise<number> {
  // One-shot commands print data on stdout, so their log (and audit) lines go to stderr; the servers log on stdout.
  configureLogger({ fd: invocation.command === "agent" || invocation.command === "dashboard" ? 1 : 2 });
  try {
    return await dispatch(invocation, readAhead);
  } catch (err) {
    const failure = toCliFailure(invocation.command, err);
    // The line below is for the person; with NSATLAS_LOG_LEVEL=debug the unexpected ones bring their stack too.
    if (failure !== err) logger().debug({ command: invocation.command, err: errorFields(err) }, "command failed");
    printError(failure.message);
    return failure.exitCode;
  } finally {
    readAhead?.close();
  }
}
