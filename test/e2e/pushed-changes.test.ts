/**
 * The dashboard follows the agent's change stream: a namespace created while the overview is open
 * shows up long before the (here: 60 s) polling interval, and polling takes over when the stream fails.
 * Namespaces this file makes carry the lab prefix plus "e".
 */
import { afterAll, describe, expect, it } from "vitest";
import { TestWorkloads } from "../integration/helpers/test-workloads";
import { artifact } from "./helpers/browser";
import { labDashboardSuite } from "./helpers/lab-dashboard";
import { OverviewPage } from "./pages/overview-page";

const suite = labDashboardSuite();
const workloads = new TestWorkloads("e");

afterAll(() => workloads.cleanup());

describe("pushed changes", () => {
  it("shows a new namespace within seconds while polling is set to a minute, and removes it when it goes", async () => {
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const overview = new OverviewPage(page);
    await overview.open(suite.server().url, "?every=60");
    await page.getByTestId("streaming").waitFor();
    const before = await overview.rowIds();
    expect(before.length).toBeGreaterThan(0);

    const ns = workloads.netns("1");
    const createdAt = Date.now();
    await expect.poll(() => overview.rowIds(), { timeout: 10_000, interval: 100 }).toContain(ns.inode);
    expect(Date.now() - createdAt).toBeLessThan(10_000);
    await page.screenshot({ path: artifact("pushed-change.png"), fullPage: true });

    workloads.cleanup();
    await expect.poll(() => overview.rowIds(), { timeout: 10_000, interval: 100 }).not.toContain(ns.inode);
    await context.close();
  });

  it("polls again when the stream cannot be opened", async () => {
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    await context.route("**/api/v1/events", (route) => route.abort());
    const page = await context.newPage();
    const overview = new OverviewPage(page);
    await overview.open(suite.server().url, "?every=2");
    expect(await page.getByTestId("streaming").count()).toBe(0);
    const ns = workloads.netns("2");
    await expect.poll(() => overview.rowIds(), { timeout: 15_000, interval: 200 }).toContain(ns.inode);
    await context.close();
  });
});
