/**
 * During an incident: freeze the node, let it change, and a pasted link still shows the node as it
 * was; the live view says what changed since; anomalies show as badges; import refuses a bad file.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TestWorkloads } from "../integration/helpers/test-workloads";
import { run } from "../lab/sh";
import { artifact } from "./helpers/browser";
import { labDashboardSuite } from "./helpers/lab-dashboard";
import { OverviewPage } from "./pages/overview-page";

const suite = labDashboardSuite();
const made = new TestWorkloads("t6e");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-e2e-import-"));
afterAll(() => {
  made.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

let frozenUrl = "";
let added: { name: string; inode: string };

describe("a frozen snapshot's link", () => {
  it("freezes from the overview: the URL names the snapshot and the page says it is not live", async () => {
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const overview = new OverviewPage(page);
    await overview.open(suite.server().url);
    await overview.rows().first().waitFor();
    await page.getByTestId("freeze").click();
    await page.waitForURL(/[?&]at=[\w.-]+/);
    await page.getByTestId("frozen-banner").getByText("Not live").waitFor();
    await page.getByTestId("frozen-banner").locator("time").waitFor();
    frozenUrl = page.url();
    expect(new URL(frozenUrl).searchParams.get("at")).toMatch(/^[\w.-]+$/);
    await context.close();
  });

  it("shows the old state in a new browser after the node changed, while the live view shows the change", async () => {
    added = made.container("new");
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await page.goto(frozenUrl);
    const overview = new OverviewPage(page);
    await page.getByTestId("frozen-banner").locator("time").waitFor();
    await overview.rows().first().waitFor();
    expect(await overview.rowIds()).not.toContain(added.inode);
    expect(await page.getByTestId("live-controls").count()).toBe(0);
    await page.screenshot({ path: artifact("frozen-overview.png") });

    // Links inside the frozen view stay in the snapshot.
    await overview.rows().first().getByRole("link").last().click();
    await page.waitForURL(/\/netns\/\d+\?at=/);
    await page.getByTestId("frozen-banner").waitFor();

    await page.getByTestId("go-live").click();
    await page.waitForURL((url) => !url.search.includes("at="));
    await expect.poll(async () => (await page.getByRole("heading", { level: 1 }).innerText()).length).toBeGreaterThan(0);
    await context.close();

    const live = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const livePage = await live.newPage();
    const liveOverview = new OverviewPage(livePage);
    await liveOverview.open(suite.server().url);
    await expect.poll(() => liveOverview.rowIds(), { timeout: 15_000 }).toContain(added.inode);
    await live.close();
  });

  it("says what changed since the frozen snapshot, in the overview and on the graph", async () => {
    const at = new URL(frozenUrl).searchParams.get("at") ?? "";
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${suite.server().url}/?since=${encodeURIComponent(at)}`);
    const panel = page.getByTestId("diff-panel");
    await expect.poll(async () => (await panel.count()) > 0 && (await panel.innerText()).includes(added.name), { timeout: 15_000 }).toBe(true);
    expect(await panel.locator('[data-change="netns-appeared"]').innerText()).toContain(added.inode);
    await page.screenshot({ path: artifact("changes-since.png") });

    await page.goto(`${suite.server().url}/topology?since=${encodeURIComponent(at)}`);
    await page.locator('[data-laid-out="true"]').waitFor();
    await expect.poll(() => page.locator(`[data-topo-node="netns:${added.inode}"] [data-testid="node-in-diff"]`).count(), { timeout: 15_000 }).toBe(1);
    await context.close();
  });
});

describe("anomalies and import in the browser", () => {
  it("lists an anomaly with its explanation and marks its row", async () => {
    const box = made.netns("p");
    run("ip", ["-n", box.name, "link", "set", "lo", "promisc", "on"]);
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const overview = new OverviewPage(page);
    await overview.open(suite.server().url);
    const item = page.locator('[data-anomaly="promiscuous"]').filter({ hasText: box.name });
    await item.waitFor({ timeout: 15_000 });
    expect(await item.innerText()).toContain("promiscuous mode");
    expect(await page.locator(`tr[data-netns="${box.inode}"] [data-testid="row-anomalies"]`).innerText()).toContain("1 anomaly");
    await page.screenshot({ path: artifact("anomalies.png") });

    // The incident report: Markdown with the anomaly, every namespace and the topology image.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("report").click()]);
    expect(download.suggestedFilename()).toMatch(/^nsatlas-report-.+\.md$/);
    const report = fs.readFileSync(await download.path(), "utf8");
    expect(report).toContain("# nsatlas report:");
    expect(report).toContain(`promiscuous: lo in ${box.name}`);
    expect(report).toContain(`| ${box.inode} |`);
    expect(report).toMatch(/!\[topology of [^\]]+\]\(data:image\/svg\+xml;base64,/);

    // The namespace's page: its anomaly, and expose is off by default (it writes to the host).
    await page.goto(`${suite.server().url}/netns/${box.inode}`);
    await page.getByTestId("anomalies").getByText("promiscuous mode").waitFor();
    await page.getByTestId("expose-off").waitFor();
    await context.close();
  });

  it("refuses a truncated file with a message, and opens a good one as a stored snapshot", async () => {
    const at = new URL(frozenUrl).searchParams.get("at") ?? "";
    const exported = await (await fetch(`${suite.server().url}/api/v1/snapshots/${at}?download=1`)).text();
    const truncated = path.join(tmp, "truncated.json");
    fs.writeFileSync(truncated, exported.slice(0, 3000));
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await new OverviewPage(page).open(suite.server().url);
    await page.getByTestId("import-file").setInputFiles(truncated);
    await expect
      .poll(async () => (await page.getByTestId("history-error").count()) > 0 && (await page.getByTestId("history-error").innerText()))
      .toContain("Truncated file");

    const good = path.join(tmp, "good.json");
    fs.writeFileSync(good, exported);
    await page.getByTestId("import-file").setInputFiles(good);
    await page.waitForURL(new RegExp(`[?&]at=${at}`));
    await page.getByTestId("frozen-banner").locator("time").waitFor();
    await context.close();
  });
});
