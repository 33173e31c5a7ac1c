/** The topology graph in Chromium: every lab namespace placed, click → panel, focus, shared links, export. */
import fs from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { artifact } from "./helpers/browser";
import { labDashboardSuite } from "./helpers/lab-dashboard";

const suite = labDashboardSuite();

async function openTopology(page: Page, query = ""): Promise<void> {
  await page.goto(`${suite.server().url}/topology${query}`);
  await page.locator('[data-testid="topology-canvas"][data-laid-out="true"]').waitFor();
  await page.locator("[data-topo-node]").first().waitFor();
}

const pod = () => {
  const p = suite.manifest().netns.find((n) => n.owner.kind === "kubernetes-pod" && n.owner.runtime === "docker");
  if (p === undefined || p.owner.kind !== "kubernetes-pod") throw new Error("no dockershim pod");
  return { inode: p.inode, name: `${p.owner.namespace}/${p.owner.name}` };
};

describe("topology", () => {
  it("places every lab namespace and the host, in light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await suite.browser().newContext({ colorScheme, viewport: { width: 1600, height: 1100 } });
      const page = await context.newPage();
      await openTopology(page);
      expect(suite.manifest().netns.length).toBeGreaterThan(0);
      for (const ns of suite.manifest().netns) await page.locator(`[data-topo-node="netns:${ns.inode}"]`).waitFor({ state: "attached" });
      expect(await page.locator('[data-topo-node][data-topo-kind="host"]').count()).toBe(1);
      expect(await page.locator('[data-topo-kind="bridge"]').count()).toBeGreaterThanOrEqual(
        suite.manifest().hostInterfaces.filter((i) => i.kind === "bridge").length,
      );
      await page.screenshot({ path: artifact(`topology-${colorScheme}.png`) });
      await context.close();
    }
  });

  it("opens a side panel for a clicked pod, keeps it in the URL, and a colleague's browser opens the same", async () => {
    const context = await suite.browser().newContext({ viewport: { width: 1600, height: 1100 } });
    const page = await context.newPage();
    await openTopology(page);
    const { inode, name } = pod();
    await page.locator(`[data-topo-node="netns:${inode}"]`).click();
    await page.waitForURL(/sel=netns/);
    const panel = page.getByTestId("node-panel");
    expect(await panel.innerText()).toContain(name);

    await page.keyboard.press("Escape");
    await page.waitForURL((u) => !u.search.includes("sel="));
    await page.locator(`.react-flow__node[data-id="netns:${inode}"]`).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/sel=netns/);
    expect(await panel.innerText()).toContain(name);

    const other = await suite.browser().newContext({ viewport: { width: 1600, height: 1100 } });
    const fresh = await other.newPage();
    await fresh.goto(page.url());
    await fresh.getByTestId("node-panel").waitFor();
    expect(await fresh.getByTestId("node-panel").innerText()).toContain(name);
    await other.close();
    await context.close();
  });

  it("focuses on one pod's neighbourhood", async () => {
    const context = await suite.browser().newContext({ viewport: { width: 1600, height: 1100 } });
    const page = await context.newPage();
    await openTopology(page);
    const all = await page.locator("[data-topo-node]").count();
    const { inode, name } = pod();
    await openTopology(page, `?focus=${encodeURIComponent(`pod:${name}`)}`);
    await page.getByTestId("focus").waitFor();
    await page.locator(`[data-topo-node="netns:${inode}"]`).waitFor();
    const focused = await page.locator("[data-topo-node]").count();
    expect(focused).toBeLessThan(all);
    expect(await page.locator('[data-topo-kind="bridge"]').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: artifact("topology-focus.png") });
    await context.close();
  });

  it("groups pods by Kubernetes namespace: each pod's box inside its namespace's block", async () => {
    const context = await suite.browser().newContext({ viewport: { width: 1600, height: 1100 } });
    const page = await context.newPage();
    await openTopology(page, "?group=k8sns");
    const pods = suite.manifest().netns.flatMap((n) => (n.owner.kind === "kubernetes-pod" ? [{ inode: n.inode, ns: n.owner.namespace }] : []));
    expect(new Set(pods.map((p) => p.ns)).size).toBeGreaterThanOrEqual(2);
    for (const p of pods) {
      const group = await page.locator(`[data-topo-group="${p.ns}"]`).boundingBox();
      const box = await page.locator(`[data-topo-node="netns:${p.inode}"]`).boundingBox();
      if (group === null || box === null) throw new Error(`${p.ns} or ${p.inode} not drawn`);
      expect(box.x).toBeGreaterThanOrEqual(group.x);
      expect(box.y).toBeGreaterThanOrEqual(group.y);
      expect(box.x + box.width).toBeLessThanOrEqual(group.x + group.width + 1);
      expect(box.y + box.height).toBeLessThanOrEqual(group.y + group.height + 1);
    }
    await page.screenshot({ path: artifact("topology-grouped.png") });
    await context.close();
  });

  it("exports the graph as SVG and PNG", async () => {
    const context = await suite.browser().newContext({ viewport: { width: 1600, height: 1100 }, acceptDownloads: true });
    const page = await context.newPage();
    await openTopology(page);
    for (const [button, ext, magic] of [
      ["export-svg", ".svg", "<svg"],
      ["export-png", ".png", "\u0089PNG"],
    ] as const) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(button).click()]);
      expect(download.suggestedFilename().endsWith(ext)).toBe(true);
      const file = await download.path();
      const head = fs.readFileSync(file).subarray(0, 8).toString("latin1");
      expect(head.startsWith(magic)).toBe(true);
    }
    await context.close();
  });
});
