/**
 * The image's tests as one step of `npm test` (test/run-all.ts), while the lab is up:
 *   import { imageSuite } from "./image/image-suite";
 *   const image = imageSuite();            // after the integration tests, before "lab down"
 *   record("image", image.passed, image.failed);
 * Builds the image (`npm run image`; from nothing on a fresh machine: the stand-in base, then the build) and tests it
 * (test/image/image.test.ts). Its own vitest run, so that no other project waits on the build. The build's output is
 * in test/.results/image-build.log, vitest's JSON report in test/.results/image.json.
 * Also runnable alone: `npx tsx test/image/image-suite.ts` (exit 1 when anything failed).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const ROOT = path.resolve(import.meta.dirname, "../..");
const REPORT = path.join(ROOT, "test/.results/image.json");
const vitestReport = z.object({ numPassedTests: z.number(), numFailedTests: z.number(), numTotalTests: z.number() });

export interface SuiteResult {
  passed: number;
  failed: number;
  seconds: number;
}

export function imageSuite(): SuiteResult {
  const started = Date.now();
  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  fs.rmSync(REPORT, { force: true });
  const result = spawnSync(
    path.join(ROOT, "node_modules/.bin/vitest"),
    ["run", "--config", "test/image/vitest.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${REPORT}`],
    { cwd: ROOT, stdio: "inherit", env: process.env },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  if (!fs.existsSync(REPORT)) return { passed: 0, failed: 1, seconds };
  const report = vitestReport.parse(JSON.parse(fs.readFileSync(REPORT, "utf8")));
  // A run that failed before counting (the build in beforeAll, an import error) fails the step all the same.
  const failed = report.numFailedTests > 0 || result.status === 0 ? report.numFailedTests : 1;
  return { passed: report.numPassedTests, failed: report.numTotalTests === 0 ? 1 : failed, seconds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = imageSuite();
  console.log(`image: ${r.passed} passed, ${r.failed} failed in ${r.seconds} s`);
  process.exit(r.failed === 0 ? 0 : 1);
}
