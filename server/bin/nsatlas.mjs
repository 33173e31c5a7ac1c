#!/usr/bin/env node
// `npx nsatlas`: runs server/cli.ts with tsx's loader (the CLI ships as TypeScript sources).
import { spawnSync } from "node:child_process";
import path from "node:path";

const cli = path.join(import.meta.dirname, "../cli.ts");
const tsx = import.meta.resolve("tsx");
const result = spawnSync(process.execPath, ["--import", tsx, cli, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(result.status ?? 1);
