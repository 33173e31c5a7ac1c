/**
 * The `nsatlas` command line (server/bin/nsatlas.mjs runs its bundle, dist/cli.mjs): a thin face over the
 * agent core, like the dashboard's data layer and the agent server. `nsatlas --help` lists the commands,
 * flags, environment and exit codes (0 ok, 1 failure, 2 usage).
 *
 * This entry stays light: it parses the arguments and answers --help, --version and usage errors itself;
 * the commands, and the dependencies they load (zod, the engines' clients, SQLite, koffi), are imported
 * only when one runs (esbuild splits them into a chunk of their own).
 */
import { parseCommandLine } from "./cli/parse-command-line";
import { HELP, USAGE } from "./cli/usage";
import { cliVersion } from "./cli/version";

async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv);
  switch (line.kind) {
    case "help":
      process.stdout.write(HELP);
      return 0;
    case "version":
      process.stdout.write(`${await cliVersion()}\n`);
      return 0;
    case "usage-error":
      process.stderr.write(`${line.message}\n${USAGE}(nsatlas --help says more)\n`);
      return 2;
    case "run": {
      // Before the command's modules load: a command that reads the node at once starts reading it now.
      const readAhead = await (await import("./cli/start-read-ahead")).startReadAhead(line.invocation);
      const { runCommand } = await import("./cli/run-command");
      return runCommand(line.invocation, readAhead);
    }
  }
}

// `nsatlas list | head`: a reader that stops early is not a failure of ours.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
  process.exit(0);
});

// exitCode, not exit(): exit() would cut off a large JSON document still flushing into a pipe.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`nsatlas: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
