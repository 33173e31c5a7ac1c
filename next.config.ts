import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // These talk to unix sockets and load .proto files at run time: keep them out of the bundle.
  serverExternalPackages: ["dockerode", "@grpc/grpc-js", "@grpc/proto-loader"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
