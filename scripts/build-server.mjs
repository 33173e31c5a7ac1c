// Bundles the privileged backend for plain Node (no TypeScript loader at run time):
//   dist/cli.mjs                  the `nsatlas` command (CLI and `nsatlas agent`)
//   dist/dashboard.mjs            the dashboard's process (its front server, then Next.js)
//   dist/netns-reader.worker.mjs  the reader thread, loaded by every face (CLI, agent, dashboard, tests)
// Dependencies stay external (resolved from node_modules), but for BUNDLED_PACKAGES below; native addons (koffi,
// better-sqlite3) cannot be bundled.
// Code splitting: what the CLI imports dynamically (its commands, with zod, the engines' clients and SQLite) lands
// in dist/chunks/, so `nsatlas --help` and `--version` load none of it.
// Run by `npm ci` (prepare), `npm start`, `npm test` and vitest's global setup; takes well under a second.
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

export const ENTRIES = {
  cli: "server/cli.ts",
  "netns-reader.worker": "server/collect/netns-reader.worker.ts",
  dashboard: "server/bin/dashboard.ts",
};

/**
 * Dependencies stay external, except:
 * - dockerode and docker-modem: bundled so that their `ssh2` (Docker over SSH, which nsatlas never uses: it speaks
 *   to the engine's unix socket) is a stub. ssh2 alone is ~10 MB of the agent's resident memory.
 * - zod: bundled so that what server/ does not use is left out (server/ imports it as `import * as z`, which esbuild
 *   can shake): its ~70 locales but English, JSON Schema conversion and the like. The agent's heap holds ~1.9 MB
 *   less after 5 snapshots of the lab (17.4 against 19.3 MB live), and the bundle's zod loads in ~15 ms instead of ~50.
 */
const BUNDLED_PACKAGES = /^(dockerode|docker-modem|zod)(\/|$)/;
const dependencies = {
  name: "nsatlas-dependencies",
  setup(b) {
    b.onResolve({ filter: /^ssh2$/ }, () => ({ path: "ssh2", namespace: "nsatlas-stub" }));
    b.onLoad({ filter: /.*/, namespace: "nsatlas-stub" }, () => ({
      contents: `class Client { constructor() { throw new Error("nsatlas reaches Docker through its unix socket only; ssh:// is not supported"); } }
module.exports = { Client };`,
      loader: "js",
    }));
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:") || BUNDLED_PACKAGES.test(args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

export async function buildServer() {
  const result = await build({
    metafile: true,
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: "dist",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    platform: "node",
    format: "esm",
    target: "node20",
    plugins: [dependencies],
    sourcemap: "linked",
    logLevel: "warning",
    define: { NSATLAS_BUNDLED_VERSION: JSON.stringify(pkg.version) },
    // Bundled ESM still meets CommonJS dependencies that call require().
    banner: { js: 'import { createRequire as __nsatlasRequire } from "node:module"; const require = __nsatlasRequire(import.meta.url);' },
  });
  pruneStaleChunks(Object.keys(result.metafile.outputs));
}

/** Chunks of earlier builds (their names carry a content hash) are never loaded again: remove them. */
function pruneStaleChunks(outputs) {
  const current = new Set(outputs.map((o) => path.resolve(ROOT, o)));
  const chunks = path.join(ROOT, "dist/chunks");
  for (const name of fs.existsSync(chunks) ? fs.readdirSync(chunks) : []) {
    const file = path.join(chunks, name);
    if (!current.has(file)) fs.rmSync(file, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await buildServer();
