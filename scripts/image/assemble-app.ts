/**
 * Assembles the app folder the image carries (/app), from a tree where `npm ci` and `npm run build` ran:
 *   node --import tsx scripts/image/assemble-app.ts <built tree> <out>
 * Run by the Dockerfile's build stage; it also runs on a host tree (the image test does not need it there).
 *
 * What goes in, and why:
 * - Next's standalone output (.next/standalone, next.config.ts `output: "standalone"`): package.json, the server build
 *   (.next) and the node_modules files Next's tracer found. Not its server.js (dist/dashboard.mjs runs the build), nor
 *   the project's sources the instrumentation hook's trace drags along.
 * - What the standalone output leaves to the server: .next/static and public/.
 * - The server bundle (dist/, without source maps): the CLI, the agent, the dashboard's process, the reader thread.
 * - What the bundle loads at run time by path: server/bin/*.mjs (the `nsatlas` command) and the CRI definitions.
 * - The node_modules files dist/ needs beyond Next's (zod, prom-client, the engines' clients, ...): traced here with
 *   the same tracer Next uses (@vercel/nft, compiled into next), Next and React left to Next's own trace.
 * - koffi whole, and only this machine's glibc addon: it finds @koromix/koffi-<platform> by a computed path.
 * Then it checks that the result loads: `nsatlas --version`, and koffi's and better-sqlite3's native addons.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

interface NftResult {
  fileList: Set<string>;
  warnings: Set<Error>;
}
interface Nft {
  nodeFileTrace(files: string[], options: { base: string; processCwd: string; ignore: (file: string) => boolean }): Promise<NftResult>;
}

/** Next and React: what the dashboard's process needs of them is in Next's own trace (the standalone tree). */
const LEFT_TO_NEXT = /^node_modules\/(next|react|react-dom|styled-jsx|@next|@swc\/helpers|sharp|@img)\//;

const DIST_ENTRIES = ["dist/cli.mjs", "dist/dashboard.mjs", "dist/netns-reader.worker.mjs"];
const RUN_TIME_FILES = ["server/bin/nsatlas.mjs", "server/bin/require-node.mjs", "server/runtimes/cri/cri-api.proto"];

function copy(from: string, to: string, filter?: (source: string) => boolean): void {
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true, ...(filter === undefined ? {} : { filter }) });
}

function need(file: string, what: string): void {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${what}`);
}

async function traceDist(src: string, out: string): Promise<number> {
  // Next's compiled copy of @vercel/nft has no type declarations: its API is the two members above.
  const nft = createRequire(path.join(src, "package.json"))("next/dist/compiled/@vercel/nft") as Nft;
  const { fileList } = await nft.nodeFileTrace(
    DIST_ENTRIES.map((e) => path.join(src, e)),
    { base: src, processCwd: src, ignore: (file) => LEFT_TO_NEXT.test(file) },
  );
  let added = 0;
  for (const file of fileList) {
    if (!file.startsWith("node_modules/")) continue;
    const target = path.join(out, file);
    if (fs.existsSync(target)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const source = path.join(src, file);
    const stat = fs.lstatSync(source);
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target);
    else if (stat.isFile()) fs.copyFileSync(source, target);
    else continue;
    added++;
  }
  return added;
}

function copyKoffi(src: string, out: string): void {
  copy(path.join(src, "node_modules/koffi"), path.join(out, "node_modules/koffi"), (s) => !/\.(cc|hh|inc)$|CMakeLists\.txt$/.test(s));
  const platform = `koffi-${process.platform}-${process.arch}`;
  const addon = path.join(src, "node_modules/@koromix", platform);
  need(addon, `koffi's addon for ${process.platform}-${process.arch}`);
  const target = path.join(out, "node_modules/@koromix", platform);
  copy(addon, target);
  // The image's libc is glibc: musl's build is dead weight (Next's trace may have brought it too).
  for (const entry of fs.readdirSync(target)) if (entry.startsWith("musl_")) fs.rmSync(path.join(target, entry), { recursive: true });
}

/** Runs `node <args>` in the assembled folder; throws with its output unless it exits 0. */
function check(out: string, what: string, args: string[]): void {
  const r = spawnSync(process.execPath, args, { cwd: out, encoding: "utf8", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) throw new Error(`the assembled app fails ${what}: ${(r.stderr || r.stdout).trim()}`);
}

async function main(src: string, out: string): Promise<void> {
  const standalone = path.join(src, ".next/standalone");
  need(path.join(standalone, ".next/BUILD_ID"), 'run `npm run build` with next.config.ts `output: "standalone"` first');
  need(path.join(src, "dist/cli.mjs"), "run `npm run build` (or `npm run build:server`) first");
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  for (const part of ["package.json", "node_modules", ".next"]) copy(path.join(standalone, part), path.join(out, part));
  copy(path.join(src, ".next/static"), path.join(out, ".next/static"));
  copy(path.join(src, "public"), path.join(out, "public"));
  copy(path.join(src, "dist"), path.join(out, "dist"), (s) => !s.endsWith(".map"));
  for (const file of RUN_TIME_FILES) copy(path.join(src, file), path.join(out, file));
  const added = await traceDist(src, out);
  copyKoffi(src, out);
  for (const unused of ["node_modules/sharp", "node_modules/@img"]) fs.rmSync(path.join(out, unused), { recursive: true, force: true });

  check(out, "`nsatlas --version`", ["server/bin/nsatlas.mjs", "--version"]);
  check(out, "to load koffi and better-sqlite3", [
    "--input-type=module",
    "-e",
    'import koffi from "koffi"; import Database from "better-sqlite3"; koffi.load("libc.so.6"); new Database(":memory:").close();',
  ]);
  process.stdout.write(`assembled ${out}: Next's standalone tree, dist/, and ${added} node_modules files dist/ needs beyond it\n`);
}

const [src, out] = process.argv.slice(2);
if (src === undefined || out === undefined) {
  process.stderr.write("usage: node --import tsx scripts/image/assemble-app.ts <built tree> <out>\n");
  process.exit(2);
}
main(path.resolve(src), path.resolve(out)).catch((err: unknown) => {
  process.stderr.write(`assemble-app: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
