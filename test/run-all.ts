/**
 * `npm test`: the whole suite, as CI runs it. Installs missing Debian packages, runs the static
 * checks and unit tests, brings the real lab up, runs the integration and browser tests against it,
 * builds and runs the container image, tears the lab down (checking it left nothing), and ends with one line:
 * `N passed, N failed`.
 * NSATLAS_KEEP_LAB=1 leaves the lab up afterwards for debugging.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { labDown, labUp } from "./lab/lab";
import { labConfig } from "./lab/lab-config";
import { labLeftovers } from "./lab/leftovers";
import { imageSuite } from "./image/image-suite";
import { ensureHostPackages } from "./setup/host-packages";

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS = path.join(ROOT, "test/.results");

interface Tally {
  suite: string;
  passed: number;
  failed: number;
}
const tallies: Tally[] = [];

function record(suite: string, passed: number, failed: number): void {
  tallies.push({ suite, passed, failed });
  console.log(`\n== ${suite}: ${passed} passed, ${failed} failed\n`);
}

/** A check that is one command: passes when it exits 0. */
function check(name: string, cmd: string, args: string[], env: Record<string, string> = {}): void {
  console.log(`\n== ${name}: ${[cmd, ...args].join(" ")}`);
  const result = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...env } });
  record(name, result.status === 0 ? 1 : 0, result.status === 0 ? 0 : 1);
}

/** A step of our own (setup, lab up/down): one passed or one failed check. */
async function step(name: string, work: () => unknown): Promise<boolean> {
  console.log(`\n== ${name}`);
  try {
    await work();
    record(name, 1, 0);
    return true;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    record(name, 0, 1);
    return false;
  }
}

const vitestReport = z.object({ numPassedTests: z.number(), numFailedTests: z.number(), numTotalTests: z.number() });

function vitestProject(project: string): void {
  const out = path.join(RESULTS, `${project}.json`);
  fs.rmSync(out, { force: true });
  console.log(`\n== ${project} tests`);
  const result = spawnSync(
    path.join(ROOT, "node_modules/.bin/vitest"),
    ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`],
    { cwd: ROOT, stdio: "inherit", env: process.env },
  );
  if (!fs.existsSync(out)) return record(`${project} tests`, 0, 1);
  const report = vitestReport.parse(JSON.parse(fs.readFileSync(out, "utf8")));
  // A suite that crashed before counting (a failing beforeAll, an import error) still fails the run.
  const failed = report.numFailedTests > 0 || result.status === 0 ? report.numFailedTests : 1;
  if (report.numTotalTests === 0) return record(`${project} tests`, 0, 1);
  record(`${project} tests`, report.numPassedTests, failed);
}

async function main(): Promise<number> {
  fs.mkdirSync(RESULTS, { recursive: true });
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const config = labConfig();
  await step("host packages", ensureHostPackages);
  check("typecheck", "node_modules/.bin/tsc", ["--noEmit"]);
  check("lint", "node_modules/.bin/eslint", ["."]);
  check("format", "node_modules/.bin/prettier", ["--check", "."]);
  check("boundaries", "node_modules/.bin/depcruise", ["--config", ".dependency-cruiser.cjs", "app", "server", "components", "test"]);
  vitestProject("unit");
  try {
    await step("lab up", () => labUp(config));
    vitestProject("integration");
    vitestProject("e2e");
    // The image, built here from nothing (about 3.5 minutes) and run against the lab: snapshot, agent, dashboard, compose.
    const image = imageSuite();
    record("image (build and run)", image.passed, image.failed);
    // The memory soak, CI-sized: it fails when heap or RSS keep growing after warm-up.
    check("memory soak (300 scans)", process.execPath, ["--expose-gc", "--import", "tsx", "test/bench/bench-soak.ts"], { NSATLAS_SOAK_SCANS: "300" });
  } finally {
    // The benchmark at toy size, so the script cannot rot; its figures are not judged here.
    check("bench smoke (N=20, 1 run)", "node_modules/.bin/tsx", ["test/bench/bench.ts"], {
      NSATLAS_BENCH_SIZES: "20",
      NSATLAS_BENCH_RUNS: "1",
      NSATLAS_BENCH_HOLDERS: "10",
    });
    if (process.env.NSATLAS_KEEP_LAB === "1") {
      console.log("\n== lab kept up (NSATLAS_KEEP_LAB=1); remove it with `npm run lab:down`");
    } else {
      await step("lab down leaves nothing behind", async () => {
        await labDown(config);
        const left = labLeftovers(config);
        if (left.length > 0) throw new Error(`lab left behind:\n  ${left.join("\n  ")}`);
      });
    }
  }
  const passed = tallies.reduce((n, t) => n + t.passed, 0);
  const failed = tallies.reduce((n, t) => n + t.failed, 0);
  console.log("\nsuite summary:");
  for (const t of tallies) console.log(`  ${t.suite.padEnd(34)} ${String(t.passed).padStart(4)} passed ${String(t.failed).padStart(3)} failed`);
  const line = `${passed} passed, ${failed} failed`;
  fs.writeFileSync(path.join(RESULTS, "summary.txt"), `${line}\n`);
  console.log(line);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
