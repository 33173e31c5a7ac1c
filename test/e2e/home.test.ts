import os from "node:os";
import { describe, expect, it } from "vitest";
import { labConfig } from "../lab/lab-config";
import { run, tryRun } from "../lab/sh";
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

  it("on a node with more namespaces than one page, shows the first 200, says how many there are, and shows them all on request and in its link", async () => {
    const names = Array.from({ length: 210 }, (_, i) => `${labConfig().prefix}-page${i}`);
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      run("ip", ["-batch", "-"], { input: `${names.map((n) => `netns add ${n}`).join("\n")}\n` });
      const page = await context.newPage();
      const overview = new OverviewPage(page);
      await page.goto(`${suite.server().url}/`);
      const note = page.getByText(/Showing the first 200 of \d+\./);
      await note.waitFor({ timeout: 15_000 });
      const total = Number(/of (\d+)/.exec(await note.innerText())?.[1]);
      expect(total).toBeGreaterThanOrEqual(names.length + suite.manifest().netns.length);
      expect(await overview.rows().count()).toBe(200);
      await note.scrollIntoViewIfNeeded();
      await page.screenshot({ path: artifact("overview-first-page.png") });

      await page.getByRole("button", { name: `Show all ${total}` }).click();
      await expect.poll(() => overview.rows().count()).toBe(total);
      expect(new URL(page.url()).searchParams.get("rows")).toBe("all");
      await page.reload();
      await expect.poll(() => overview.rows().count()).toBe(total);
      await expect(note.count()).resolves.toBe(0);
    } finally {
      tryRun("ip", ["-force", "-batch", "-"], { input: `${names.map((n) => `netns del ${n}`).join("\n")}\n` });
      await context.close();
    }
  });
});
