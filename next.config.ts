import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Unix sockets, .proto files and koffi's native addon are loaded at run time: keep them out of the bundle. The logger
  // and the metrics registry are the process's own (the front server uses the same node_modules copy).
  serverExternalPackages: ["dockerode", "@grpc/grpc-js", "@grpc/proto-loader", "koffi", "better-sqlite3", "pino", "prom-client"],
  poweredByHeader: false,
  // npm test type-checks the whole tree (tsc); a start should not fail on a test file's types.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  // .next/standalone: the build with only the node_modules files it needs, which the image carries (Dockerfile,
  // scripts/image/assemble-app.ts). Its server.js is not used: dist/dashboard.mjs runs the build the same way.
  output: "standalone",
  // sharp and its binaries (@img, ~19 MB) come with Next for image optimisation, which nsatlas does not use. (The
  // project's own sources land in .next/standalone too, through the instrumentation hook's trace, which these globs do
  // not reach: the image takes only the standalone tree's node_modules, .next and package.json.)
  outputFileTracingExcludes: { "*": ["./node_modules/sharp/**", "./node_modules/@img/**"] },
  // koffi loads its platform's addon (@koromix/koffi-<platform>) by a computed path the tracer cannot follow.
  outputFileTracingIncludes: { "*": ["./node_modules/koffi/index.{cjs,js}", "./node_modules/koffi/package.json", "./node_modules/@koromix/koffi-linux-*/**"] },
};

export default nextConfig;
