import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Unix sockets, .proto files and koffi's native addon are loaded at run time: keep them out of the bundle. The logger
  // and the metrics registry are the process's own (the front server uses the same node_modules copy).
  serverExternalPackages: ["dockerode", "@grpc/grpc-js", "@grpc/proto-loader", "koffi", "better-sqlite3", "pino", "prom-client"],
  poweredByHeader: false,
  // npm test type-checks the whole tree (tsc); a start should not fail on a test file's types.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
};

export default nextConfig;
