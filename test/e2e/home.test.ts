import os from "node:os";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labEnv } from "../lab/lab-env";
import { labConfig, manifestPath } from "../lab/lab-config";
import { readManifest, type LabManifest } from "../lab/manifest";
import { artifact, launchBrowser } from "./helpers/browser";
import { startDashboard, type DashboardServer } from "./helpers/dashboard-server";
import { HomePage } from "./pages/home-page";

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

describe("home page", () => {
  it("shows this node and every lab engine answering, in light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const home = new HomePage(page);
      await home.open(server.url);
      expect(await home.nodeName()).toBe(os.hostname());
      await expect.poll(() => home.engineStatus("docker")).toBe("ok");
      expect(await home.engineStatus("podman")).toBe("ok");
      expect(await home.engineStatus("containerd-cri")).toBe("ok");
      expect(await home.engineRow("docker").innerText()).toContain(manifest.engines.docker.version);
      await page.screenshot({ path: artifact(`home-${colorScheme}.png`), fullPage: true });
      await context.close();
    }
  });

  it("serves the page on a node with no container engine, and says so", async () => {
    const missing = "/run/nsatlas-e2e-no-such-engine.sock";
    const bare = await startDashboard({ NSATLAS_DOCKER_SOCKET: missing, NSATLAS_PODMAN_SOCKET: missing, NSATLAS_CRI_SOCKETS: missing });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const home = new HomePage(page);
      await home.open(bare.url);
      await page.getByText("No container engine found on this node").waitFor();
      for (const engine of ["docker", "podman", "containerd-cri"]) expect(await home.engineStatus(engine)).toBe("absent");
      await page.screenshot({ path: artifact("home-no-engine.png"), fullPage: true });
    } finally {
      await context.close();
      await bare.stop();
    }
  });
});
