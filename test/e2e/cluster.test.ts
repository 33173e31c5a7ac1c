/**
 * The hub's pages in a browser (docs/dashboard.md, "Cluster pages"): a simulated cluster (test/cluster/) of 3 nodes
 * with their real agents, the REAL dashboard in hub mode in the cluster's hub netns (test/integration/helpers/
 * hub-dashboard.ts), and Debian's chromium started INSIDE that netns (a wrapper: `ip netns exec <hub> chromium`), so
 * it reaches the hub at 127.0.0.1:<port> as a browser beside a hub pod would. Everything carries the prefix "nscp"
 * and is torn down after.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterDown, clusterUp, type Cluster } from "../cluster/cluster";
import { agentsByDns, ensureDashboardBuild, startHubDashboard, type HubDashboard } from "../integration/helpers/hub-dashboard";
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
  // Capture on, as an operator would turn it on for the agents (NSATLAS_CAPTURE=1): the node pages then offer it.
  cluster = await clusterUp({ prefix: PREFIX, nodes: 3, podsPerNode: 3, agents: true, token: TOKEN, agentEnv: { NSATLAS_CAPTURE: "1" } });
  hub = await startHubDashboard(cluster, { NSATLAS_AGENTS: agentsByDns(cluster) });
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

/** Pings once from inside a pod (busybox's ping), without blocking this process. */
function pingFrom(node: string, podName: string, ip: string): Promise<void> {
  const [cmd, args] = cluster.podCommand(node, podName, ["busybox", "ping", "-c", "1", "-W", "2", ip]);
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, _stdout, stderr) => (err === null ? resolve() : reject(new Error(`${String(err)} ${stderr}`))));
  });
}

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

  it("traces from a pod on node-1 to a pod on node-3 on node-1's namespace page, and captures there, through the hub", async () => {
    const node1 = cluster.manifest.nodes.find((n) => n.name === "node-1");
    const node3 = cluster.manifest.nodes.find((n) => n.name === "node-3");
    const from = node1?.pods[0];
    const to = node3?.pods[0];
    if (node1 === undefined || node3 === undefined || from === undefined || to === undefined) throw new Error("node-1 or node-3 has no pod");
    const toIp = (to.eth0.cidr ?? "").split("/")[0] ?? "";
    const node3Vtep = (node3.eth0.cidr ?? "").split("/")[0] ?? "";
    expect([toIp, node3Vtep].every((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip))).toBe(true);
    // A fresh cluster has resolved no neighbour yet (the agent would rightly say no-neighbour): traffic first, as on a live node.
    await pingFrom("node-1", from.name, toIp);
    const page = await open();
    await page.goto(`/n/node-1/netns/${from.netnsId}`);
    await page.getByTestId("node-netns").waitFor({ timeout: 15_000 });
    const panel = page.getByTestId("trace");
    const topology = new URL((await panel.getByRole("link", { name: "this namespace on the topology" }).getAttribute("href")) ?? "", hub.base);
    expect([topology.pathname, topology.searchParams.get("focus")]).toEqual(["/n/node-1/topology", `netns:${from.netnsId}`]);
    await panel.getByLabel("Destination address").fill(toIp);
    const asked = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/n/node-1/trace", { timeout: 15_000 });
    await panel.getByTestId("trace-run").click();
    const answer = await asked;
    expect([answer.status(), new URL(answer.url()).searchParams.get("from"), new URL(answer.url()).searchParams.get("to")]).toEqual([200, from.netnsId, toIp]);
    await page.waitForURL((url) => url.pathname === `/n/node-1/netns/${from.netnsId}` && url.searchParams.get("trace") === toIp);
    const result = page.getByTestId("trace-result");
    await result.waitFor({ timeout: 15_000 });
    expect(await result.getAttribute("data-verdict"), await page.getByTestId("trace-detail").innerText()).toBe("leaves-node");
    const exit = await page.getByTestId("trace-exit").innerText();
    for (const part of [node1.vxlan0.name, node3Vtep, "on node node-3"]) expect(exit).toContain(part);
    // Every hop is a namespace of node-1, linked on node-1's pages.
    const hops = await page.getByTestId("trace-hop").evaluateAll((els) => els.map((e) => e.getAttribute("data-netns") ?? ""));
    expect(hops.length).toBeGreaterThan(0);
    expect(hops[0]).toBe(from.netnsId);
    const hopLinks = await page.locator('[data-testid="trace-hop"] a').evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
    expect(hopLinks.length).toBeGreaterThan(0);
    for (const href of hopLinks) expect(href).toMatch(/^\/n\/node-1\/netns\/\d+/);
    await page.screenshot({ path: artifact("cluster-node-trace.png"), fullPage: true });

    // The agents capture (NSATLAS_CAPTURE=1): the controls are there, one button per interface, and a capture runs through the hub.
    const capture = page.getByTestId("capture");
    await capture.waitFor({ timeout: 15_000 });
    const buttons = capture.locator("[data-capture]");
    expect(await buttons.count()).toBeGreaterThan(0);
    for (const label of await buttons.allInnerTexts()) expect(label).toMatch(/^Capture \S+$/);
    await capture.getByText("Live in Wireshark, from a shell").click();
    expect(await capture.locator("code").innerText()).toContain(`${hub.base}/api/v1/n/node-1/captures`);
    await capture.getByLabel("Capture seconds").fill("1");
    const eth0 = capture.getByRole("button", { name: `Capture ${from.eth0.name}`, exact: true });
    const posted = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/v1/n/node-1/captures", {
      timeout: 30_000,
    });
    const download = page.waitForEvent("download", { timeout: 30_000 });
    await eth0.click();
    expect((await posted).status()).toBe(200);
    const file = (await download).suggestedFilename();
    expect(file).toMatch(/\.pcapng$/);
    await expect.poll(() => page.getByTestId("capture-state").innerText(), { timeout: 30_000 }).toContain(`saved ${file}`);
    await page.context().close();
  });

  it("says a single-node page is not served by a hub", async () => {
    const page = await open();
    await page.goto("/topology");
    await page.getByTestId("hub-only").waitFor({ timeout: 15_000 });
    await page.context().close();
  });

  it("freezes the cluster, and a node page at the frozen snapshot still shows a namespace removed after the freeze", async () => {
    const gone = await cluster.addPod("node-1", "frozen-e2e");
    const liveIds = async () => ((await hub.json("/api/v1/n/node-1/snapshot?view=overview")) as { netns: Array<{ id: string }> }).netns.map((n) => n.id);
    await expect.poll(liveIds, { timeout: 15_000 }).toContain(gone.netnsId);
    const page = await open();
    await page.goto("/cluster");
    await page.getByTestId("freeze-cluster").click();
    await page.waitForURL(/\/cluster\?at=[\w.-]+$/, { timeout: 15_000 });
    const at = new URL(page.url()).searchParams.get("at") ?? "";
    await page.getByTestId("frozen-cluster").waitFor({ timeout: 15_000 });
    const rows = page.locator('[data-testid="frozen-nodes"] tr[data-node]');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-node")))).toEqual(NODES);
    await page.screenshot({ path: artifact("cluster-frozen.png"), fullPage: true });

    await cluster.removePod("node-1", "frozen-e2e");
    await expect.poll(liveIds, { timeout: 15_000 }).not.toContain(gone.netnsId);
    await page.locator('tr[data-node="node-1"] a').click();
    await page.waitForURL((url) => url.pathname === "/n/node-1" && url.searchParams.get("at") === at, { timeout: 15_000 });
    await page.getByTestId("frozen-node-banner").waitFor({ timeout: 15_000 });
    await page.getByTestId("node-overview").waitFor({ timeout: 15_000 });
    const removedRow = page.locator(`[data-testid="node-overview"] a[href="/n/node-1/netns/${gone.netnsId}?at=${at}"]`).first();
    await removedRow.waitFor({ timeout: 15_000 });
    const hrefs = await page.locator('[data-testid="node-overview"] a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(new URL(href, hub.base).searchParams.get("at")).toBe(at);
    await page.screenshot({ path: artifact("cluster-frozen-node.png"), fullPage: true });

    await removedRow.click();
    await page.waitForURL((url) => url.pathname === `/n/node-1/netns/${gone.netnsId}` && url.searchParams.get("at") === at, { timeout: 15_000 });
    await page.getByTestId("node-netns").waitFor({ timeout: 15_000 });
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toContain(gone.netnsId);
    // A record of the past: nothing that acts on the node now.
    expect(await page.getByTestId("trace").count()).toBe(0);
    expect(await page.getByTestId("capture").count()).toBe(0);
    await page.screenshot({ path: artifact("cluster-frozen-netns.png"), fullPage: true });
    await page.getByTestId("go-live").click();
    await page.waitForURL((url) => url.pathname === `/n/node-1/netns/${gone.netnsId}` && !url.searchParams.has("at"), { timeout: 15_000 });
    await page.getByTestId("not-found").waitFor({ timeout: 15_000 });
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
