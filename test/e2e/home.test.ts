import os from "node:os";
import { describe, expect, it } from "vitest";
import { artifact } from "./helpers/browser";
import { startDashboard } from "./helpers/dashboard-server";
import { labDashboardSuite } from "./helpers/lab-dashboard";
import { OverviewPage } from "./pages/overview-page";

const suite = labDashboardSuite();

describe("the overview", () => {
  it("shows this node, every lab engine answering and every lab namespace, in light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await suite.browser().newContext({ colorScheme, viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      const overview = new OverviewPage(page);
      await overview.open(suite.server().url);
      expect(await overview.nodeName()).toBe(os.hostname());
      for (const engine of ["docker", "podman", "containerd-cri"]) expect(await overview.engineStatus(engine)).toBe("ok");
      await overview.rows().first().waitFor();
      expect(suite.manifest().netns.length).toBeGreaterThan(0);
      expect(await overview.rowIds()).toEqual(expect.arrayContaining(suite.manifest().netns.map((n) => n.inode)));
      await page.screenshot({ path: artifact(`overview-${colorScheme}.png`), fullPage: true });
      await context.close();
    }
  });

  it("serves the page on a node with no container engine, and says so", async () => {
    const missing = "/run/nsatlas-e2e-no-such-engine.sock";
    const bare = await startDashboard({ NSATLAS_DOCKER_SOCKET: missing, NSATLAS_PODMAN_SOCKET: missing, NSATLAS_CRI_SOCKETS: missing });
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      const overview = new OverviewPage(page);
      await overview.open(bare.url);
      await page.getByText("No container engine found on this node").waitFor();
      for (const engine of ["docker", "podman", "containerd-cri"]) expect(await overview.engineStatus(engine)).toBe("absent");
      expect(suite.manifest().netns.length).toBeGreaterThan(0);
      expect(await overview.rowIds()).toEqual(expect.arrayContaining(suite.manifest().netns.map((n) => n.inode)));
      await page.screenshot({ path: artifact("overview-no-engine.png"), fullPage: true });
    } finally {
      await context.close();
      await bare.stop();
    }
  });
});
