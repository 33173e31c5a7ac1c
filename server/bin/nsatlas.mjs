#!/usr/bin/env -S node --max-semi-space-size=2
// `nsatlas` (the package's bin): runs the bundled CLI, dist/cli.mjs, in this process. `npm ci` builds it
// (the prepare script), as do `npm start` and `npm run build:server`. The V8 flag keeps the young generation
// small: a long-running agent holds ~94 MB instead of ~105 MB after a few snapshots of a small node.
import "./require-node.mjs";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../../dist/cli.mjs", import.meta.url);
if (!fs.existsSync(cli)) {
  process.stderr.write(`nsatlas: ${fileURLToPath(cli)} is missing: run \`npm run build:server\` in ${fileURLToPath(new URL("../..", import.meta.url))}\n`);
  process.exit(1);
}
await import(cli.href);
