/**
 * The nsatlas command line (`npx nsatlas ...`): the same code path as the API.
 *   nsatlas snapshot --json   one complete reading of the node, as JSON
 *   nsatlas list              every namespace: id, owners, interfaces, refs, addresses
 */
import { NetnsReader } from "./collect/netns-reader";
import { ConfigError, parseConfig } from "./config";
import { formatList } from "./cli/format-list";
import { FdScanner } from "./discover/fd-scan";
import { takeSnapshot } from "./snapshot/take-snapshot";

const USAGE = `usage: nsatlas snapshot --json | nsatlas list`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "snapshot" && command !== "list") {
    console.error(USAGE);
    return 2;
  }
  if (command === "snapshot" && !rest.includes("--json")) {
    console.error(`nsatlas snapshot prints JSON: add --json\n${USAGE}`);
    return 2;
  }
  const config = parseConfig(process.env);
  const reader = new NetnsReader();
  try {
    const { snapshot } = await takeSnapshot(reader, { fdScanner: config.scanFds ? new FdScanner(0) : undefined, validate: true });
    process.stdout.write(command === "list" ? formatList(snapshot) : `${JSON.stringify(snapshot, null, 2)}\n`);
    return 0;
  } finally {
    reader.close();
  }
}

// exitCode, not exit(): exit() would cut off a large JSON document still flushing into a pipe.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`nsatlas: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
