import path from "node:path";
import { defineConfig } from "vitest/config";

/** The image's own test run (test/image/image-suite.ts): not part of the unit, integration or e2e projects. */
export default defineConfig({
  test: {
    name: "image",
    root: path.resolve(import.meta.dirname, "../.."),
    include: ["test/image/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 1_800_000,
    fileParallelism: false,
  },
});
