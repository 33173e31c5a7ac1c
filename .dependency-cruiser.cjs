/** Architecture boundaries from DESIGN.md §3. CI fails on any violation. */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "Stages talk through plain data; an import cycle means two modules share one job.",
      from: {},
      to: { circular: true },
    },
    {
      name: "components-only-contract",
      severity: "error",
      comment: "components/ is UI: it may use the wire format (server/contract) but nothing privileged.",
      from: { path: "^components/" },
      to: { path: "^server/", pathNot: "^server/contract/" },
    },
    {
      name: "server-framework-free",
      severity: "error",
      comment:
        "server/ runs under plain Node: no React, Next, TanStack, app/ or components/. The one exception is the dashboard's process entry, which starts Next.",
      from: { path: "^server/", pathNot: "^server/bin/dashboard\\.ts$" },
      to: { path: "(^app/|^components/|node_modules/(@types/)?(react|react-dom|next|@tanstack)(/|$))" },
    },
    {
      name: "app-through-dal",
      severity: "error",
      comment: "app/ reaches the server only through server/dal.ts, server/contract/ and server/http/.",
      from: { path: "^app/" },
      to: { path: "^server/", pathNot: "^server/(dal\\.ts|contract/|http/)" },
    },
    {
      name: "contract-only-zod",
      severity: "error",
      comment: "The wire format is shared with the browser: it may import only zod and itself.",
      from: { path: "^server/contract/" },
      to: { pathNot: "(^server/contract/|node_modules/zod/)" },
    },
    {
      name: "dockerode-only-in-docker-runtime",
      severity: "error",
      comment: "Only the Docker adapter talks to dockerode; vendor types never leak.",
      from: { pathNot: "^server/runtimes/docker-runtime\\.ts$" },
      to: { path: "node_modules/(@types/)?dockerode(/|$)" },
    },
    {
      name: "setns-only-in-the-reader-thread",
      severity: "error",
      comment: "setns(2) moves the calling thread: only the reader worker may reach the libc calls that do it.",
      from: { pathNot: "^server/collect/(netns-reader\\.worker|change-watch-socket)\\.ts$" },
      to: { path: "^server/collect/(reader-libc|change-watch-socket)\\.ts$" },
    },
    {
      name: "sqlite-only-in-store",
      severity: "error",
      comment: "The history's storage is one module: nothing else opens the database.",
      from: { pathNot: "^server/store/" },
      to: { path: "node_modules/(@types/)?better-sqlite3(/|$)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^\\.next/|test/e2e/artifacts)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
