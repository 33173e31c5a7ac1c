/**
 * Is a build newer than every source it is made from? For `npm start` (which rebuilds only what is stale) and the
 * tests that start a dashboard. mtimes, not hashes: a checkout or an edit makes a source newer than the build.
 */
import fs from "node:fs";
import path from "node:path";

/** What `next build` reads. */
export const DASHBOARD_SOURCES = [
  "app",
  "components",
  "server",
  "public",
  "package.json",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "instrumentation.ts",
  "proxy.ts",
];

/** What scripts/build-server.mjs bundles from (package.json: the version; the lock: the bundled dependencies), and its entries' outputs. */
const SERVER_SOURCES = ["server", "scripts/build-server.mjs", "package.json", "package-lock.json"];
const SERVER_OUTPUTS = ["dist/cli.mjs", "dist/dashboard.mjs", "dist/netns-reader.worker.mjs"];

export function newestMtimeMs(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtimeMs(path.join(entry, child)));
  return newest;
}

/** Has `root`'s .next a build newer than every dashboard source? */
export function dashboardBuildIsCurrent(root: string): boolean {
  const buildId = fs.statSync(path.join(root, ".next/BUILD_ID"), { throwIfNoEntry: false });
  if (buildId === undefined) return false;
  return DASHBOARD_SOURCES.every((s) => newestMtimeMs(path.join(root, s)) <= buildId.mtimeMs);
}

/** esbuild rewrites every output on each build: the bundle is current when its oldest output is newer than every source. */
export function serverBuildIsCurrent(root: string): boolean {
  const oldest = Math.min(...SERVER_OUTPUTS.map((o) => fs.statSync(path.join(root, o), { throwIfNoEntry: false })?.mtimeMs ?? 0));
  return SERVER_SOURCES.every((s) => newestMtimeMs(path.join(root, s)) <= oldest);
}
