import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { labEnv } from "../../lab/lab-env";
import { labConfig, manifestPath } from "../../lab/lab-config";
import { readManifest, type LabManifest } from "../../lab/manifest";
import { launchBrowser } from "./browser";
import { startDashboard, type DashboardServer } from "./dashboard-server";

/**
 * Registers the suite's set-up: the lab's manifest, a dashboard pointed at the lab's engines, and
 * Debian chromium; all stopped after the suite. Call once at the top of a test file.
 */
export function labDashboardSuite(): { manifest: () => LabManifest; server: () => DashboardServer; browser: () => Browser } {
  let manifest: LabManifest | undefined;
  let server: DashboardServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    manifest = readManifest(manifestPath(labConfig()));
    server = await startDashboard(labEnv(manifest));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not set up (did beforeAll fail?)`);
    return value;
  };
  return { manifest: () => must(manifest, "the lab manifest"), server: () => must(server, "the dashboard"), browser: () => must(browser, "the browser") };
}
