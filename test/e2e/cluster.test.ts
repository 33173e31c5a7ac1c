/**
 * The hub's pages in a browser (docs/dashboard.md, "Cluster pages"): a simulated cluster (test/cluster/) of 3 nodes
 * with their real agents, the REAL dashboard in hub mode in the cluster's hub netns (test/integration/helpers/
 * hub-dashboard.ts), and Debian's chromium started INSIDE that netns (a wrapper: `ip netns exec <hub> chromium`), so
 * it reaches the hub at 127.0.0.1:<port> as a browser beside a hub pod would. Everything carries the prefix "nscp"
 * and is torn down after.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterDown, clusterUp, type Cluster } from "../cluster/cluster";
import { ensureDashboardBuild, startHubDashboard, type HubDashboard } from "../integration/helpers/hub-dashboard";
import { artifact } from "./helpers/browser";

const PREFIX = "nscp";
const TOKEN = "cluster-pages-token-0123456789ab";
const NODES = ["node-1", "node-2", "node-3"];
let cluster: Cluster;
let hub: HubDashboard;
let browser: Browser;
let wrapperDir: string;

beforeAll(async () => {
  ensureDashboardBuild();
  await clusterDown(PREFIX);
  cluster = await clusterUp({ prefix: PREFIX, nodes: 3, podsPerNode: 3, agents: true, token: TOKEN });
  hub = await startHubDashboard(cluster, { NSATLAS_AGENTS: `dns:${cluster.manifest.serviceName}:${cluster.manifest.agentPort}` });
  wrapperDir = fs.mkdtempSync(path.join(os.tmpdir(), "nscp-chromium-"));
  const wrapper = path.join(wrapperDir, "chromium-in-hub");
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${cluster.manifest.hub.netns} /usr/bin/chromium "$@"\n`, { mode: 0o755 });
  browser = await chromium.launch({
    executablePath: wrapper,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}, 900_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await hub?.stop().catch(() => undefined);
  await clusterDown(PREFIX);
  if (wrapperDir) fs.rmSync(wrapperDir, { recursive: true, force: true });
}, 120_000);

async function open(colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const context = await browser.newContext({
    colorScheme,
    viewport: { width: 1400, height: 1000 },
    baseURL: hub.base,
    extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` },
  });
  return context.newPage();
}

describe("the hub's pages over a simulated cluster", () => {
  it("sends / to /cluster and lists the 3 nodes up, with counts and the graph", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const page = await open(colorScheme);
      await page.goto("/");
      await page.waitForURL(/\/cluster$/);
      for (const node of NODES) await expect.poll(() => page.locator(`tr[data-node="${node}"]`).getAttribute("data-state"), { timeout: 15_000 }).toBe("up");
      await expect.poll(() => page.getByTestId("state-counts").textContent()).toContain("3 up");
      await page.locator("[data-graph-node]").first().waitFor({ timeout: 15_000 });
      expect(await page.locator("[data-graph-node]").count()).toBe(3);
      await page.screenshot({ path: artifact(`cluster-${colorScheme}.png`), fullPage: true });
      await page.context().close();
    }
  });

  it("searches a pod's name and jumps to its page on its node, through the hub", async () => {
    const pod = cluster.manifest.nodes[1]?.pods[0];
    if (pod === undefined) throw new Error("node-2 has no pod");
    const page = await open();
    await page.goto("/cluster");
    await page.getByLabel("Search every node").fill(pod.name);
    const result = page.locator(`[data-testid="search-results"] a[href="/n/node-2/netns/${pod.netnsId}"]`).first();
    await result.waitFor({ timeout: 10_000 });
    await result.click();
    // The simulated cluster's agents know its pods as ip netns names or processes (no kubelet): the namespace page.
    await page.waitForURL(new RegExp(`/n/node-2/netns/${pod.netnsId}$`));
    await page.getByTestId("node-netns").waitFor({ timeout: 15_000 });
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toContain(pod.netnsId);
    // Path trace through the hub: the panel is on node pages now.
    await page.getByTestId("trace").waitFor({ timeout: 15_000 });
    await page.screenshot({ path: artifact("cluster-node-netns.png"), fullPage: true });
    await page.context().close();
  });

  it("shows a node's overview and keeps every link under /n/<node>/", async () => {
    const page = await open("dark");
    await page.goto("/n/node-1");
    await page.getByTestId("node-overview").waitFor({ timeout: 15_000 });
    expect(await page.locator("#node-heading").textContent()).toBeTruthy();
    const hrefs = await page.locator('[data-testid="node-overview"] a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^\/n\/node-1(\/|\?|$)/);
    await page.screenshot({ path: artifact("cluster-node-overview-dark.png"), fullPage: true });
    // A pod page by Kubernetes name: these agents know no Kubernetes pods, so it says so (through the hub) instead of failing.
    await page.goto("/n/node-1/pods/default/not-there");
    await page.getByTestId("not-found").waitFor({ timeout: 15_000 });
    // A node this hub does not know, with a name that needs escaping.
    await page.goto(`/n/${encodeURIComponent("no such/node?#")}`);
    await page.getByTestId("node-unknown").waitFor({ timeout: 15_000 });
    await page.context().close();
  });

  it("says a single-node page is not served by a hub", async () => {
    const page = await open();
    await page.goto("/topology");
    await page.getByTestId("hub-only").waitFor({ timeout: 15_000 });
    await page.context().close();
  });

  it("shows a killed agent's node not up, and its page says so with when it was last seen", async () => {
    await cluster.killAgent("node-3");
    const page = await open();
    await page.goto("/cluster");
    await expect.poll(() => page.locator('tr[data-node="node-3"]').getAttribute("data-state"), { timeout: 15_000 }).not.toBe("up");
    await expect.poll(() => page.locator('tr[data-node="node-1"]').getAttribute("data-state")).toBe("up");
    await page.screenshot({ path: artifact("cluster-node-down.png"), fullPage: true });
    await page.goto("/n/node-3");
    await page.getByTestId("node-down").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("node-down").textContent()).toMatch(/last seen/);
    // The overview below says it could not be read (the hub's 502 naming the node) rather than loading forever.
    await page.getByText("The node could not be read").waitFor({ timeout: 15_000 });
    await page.screenshot({ path: artifact("cluster-node-down-page.png"), fullPage: true });
    await page.context().close();
  });
});
