import { buildServer } from "../../scripts/build-server.mjs";

/** Vitest global setup: bundles server/ (the reader worker, the CLI) so every test runs what production runs. */
export default async function setup(): Promise<void> {
  await buildServer();
}
