/** No serious or critical axe-core violations on the main pages, in light and dark. */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labEnv } from "../lab/lab-env";
import { labConfig, manifestPath } from "../lab/lab-config";
import { readManifest, type LabManifest } from "../lab/manifest";
import { seriousViolations } from "./helpers/axe";
import { launchBrowser } from "./helpers/browser";
import { startDashboard, type DashboardServer } from "./helpers/dashboard-server";

let manifest: LabManifest;
let server: DashboardServer;
let browser: Browser;

beforeAll(async () => {
  manifest = readManifest(manifestPath(labConfig()));
  server = await startDashboard(labEnv(manifest));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("accessibility", () => {
  it.each(["light", "dark"] as const)("the overview, a pod page and a namespace page have no serious violations (%s)", async (colorScheme) => {
    const pod = manifest.netns.find((n) => n.owner.kind === "kubernetes-pod");
    if (pod === undefined || pod.owner.kind !== "kubernetes-pod") throw new Error("no pod in the lab");
    const context = await browser.newContext({ colorScheme, viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const pages = [
      { path: "/", ready: "tr[data-netns]" },
      { path: `/pods/${pod.owner.namespace}/${pod.owner.name}`, ready: "tr[data-iface]" },
      { path: `/netns/${manifest.hostInode}`, ready: "tr[data-iface]" },
    ];
    for (const p of pages) {
      await page.goto(`${server.url}${p.path}`);
      await page.locator(p.ready).first().waitFor();
      expect(await seriousViolations(page), p.path).toEqual([]);
    }
    await context.close();
  });
});
