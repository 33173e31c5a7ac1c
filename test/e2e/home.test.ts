import os from "node:os";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labEnv } from "../lab/lab-env";
import { labConfig, manifestPath } from "../lab/lab-config";
import { readManifest, type LabManifest } from "../lab/manifest";
import { artifact, launchBrowser } from "./helpers/browser";
import { startDashboard, type DashboardServer } from "./helpers/dashboard-server";
import { OverviewPage } from "./pages/overview-page";

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

describe("the overview", () => {
  it("shows this node, every lab engine answering and every lab namespace, in light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      const overview = new OverviewPage(page);
      await overview.open(server.url);
      expect(await overview.nodeName()).toBe(os.hostname());
      for (const engine of ["docker", "podman", "containerd-cri"]) expect(await overview.engineStatus(engine)).toBe("ok");
      await overview.rows().first().waitFor();
      expect(await overview.rowIds()).toEqual(expect.arrayContaining(manifest.netns.map((n) => n.inode)));
      await page.screenshot({ path: artifact(`overview-${colorScheme}.png`), fullPage: true });
      await context.close();
    }
  });

  it("serves the page on a node with no container engine, and says so", async () => {
    const missing = "/run/nsatlas-e2e-no-such-engine.sock";
    const bare = await startDashboard({ NSATLAS_DOCKER_SOCKET: missing, NSATLAS_PODMAN_SOCKET: missing, NSATLAS_CRI_SOCKETS: missing });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      const overview = new OverviewPage(page);
      await overview.open(bare.url);
      await page.getByText("No container engine found on this node").waitFor();
      for (const engine of ["docker", "podman", "containerd-cri"]) expect(await overview.engineStatus(engine)).toBe("absent");
      expect(await overview.rowIds()).toEqual(expect.arrayContaining(manifest.netns.map((n) => n.inode)));
      await page.screenshot({ path: artifact("overview-no-engine.png"), fullPage: true });
    } finally {
      await context.close();
      await bare.stop();
    }
  });
});
