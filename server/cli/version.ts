/** esbuild's `define` puts package.json's version here when it bundles the CLI (scripts/build-server.mjs). */
declare const NSATLAS_BUNDLED_VERSION: string | undefined;

/** nsatlas's version: the bundled constant, or package.json when the CLI runs from its sources (tsx, vitest). */
export async function cliVersion(): Promise<string> {
  if (typeof NSATLAS_BUNDLED_VERSION === "string") return NSATLAS_BUNDLED_VERSION;
  return (await import("../node-info")).NSATLAS_VERSION;
}
