/**
 * Hostile names (HTML, quotes, control characters) from the node never break or inject into the UI,
 * and the token login works in a real browser with a cookie scripts cannot read.
 */
import { afterAll, describe, expect, it } from "vitest";
import { TestWorkloads } from "../integration/helpers/test-workloads";
import { labEnv } from "../lab/lab-env";
import { run } from "../lab/sh";
import { artifact } from "./helpers/browser";
import { startDashboard } from "./helpers/dashboard-server";
import { labDashboardSuite } from "./helpers/lab-dashboard";
import { OverviewPage } from "./pages/overview-page";

const suite = labDashboardSuite();
const made = new TestWorkloads("t7");
afterAll(() => made.cleanup());

const HTML_NAME = `"><img src=x onerror=alert(1)>`;
const CONTROL_NAME = "bell\u0007esc\u001b[31m";

describe("hostile names from the node", () => {
  it("shows HTML and control characters as text on the overview, a namespace page and the graph", async () => {
    const html = made.netns(HTML_NAME);
    const control = made.netns(CONTROL_NAME);
    run("ip", ["-n", html.name, "link", "add", "<b>x'", "type", "veth", "peer", "name", `"y&`]);
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const overview = new OverviewPage(page);
    await overview.open(suite.server().url);
    const row = page.locator(`tr[data-netns="${html.inode}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.innerText()).toContain(html.name);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator(`tr[data-netns="${control.inode}"]`).innerText()).toContain("bell");
    await page.screenshot({ path: artifact("hostile-names.png") });

    await page.goto(`${suite.server().url}/netns/${html.inode}`);
    await page.getByText("<b>x'", { exact: true }).first().waitFor();
    expect(await page.locator("b").filter({ hasText: /^x'$/ }).count()).toBe(0);

    await page.goto(`${suite.server().url}/topology?focus=netns:${html.inode}`);
    await page.locator('[data-laid-out="true"]').waitFor();
    expect(await page.locator(`[data-topo-node="netns:${html.inode}"]`).innerText()).toContain(HTML_NAME);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await context.close();
  });
});

describe("logging in with a token", () => {
  it("goes to the login form, in with the token, with a cookie scripts cannot read, and out again", async () => {
    const token = "t7-browser-login-token-0123456789";
    const guarded = await startDashboard({ ...labEnv(suite.manifest()), NSATLAS_TOKEN: token, NSATLAS_RECORD_INTERVAL_MS: "0" });
    const context = await suite.browser().newContext({ viewport: { width: 1200, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${guarded.url}/topology`);
      await page.waitForURL(/\/login\?next=%2Ftopology$/);
      await page.getByLabel("Token").fill("not-the-token-at-all");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("alert").getByText("not right").waitFor();
      await page.getByLabel("Token").fill(token);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(/\/topology$/);
      await page.locator('[data-laid-out="true"]').waitFor();
      expect(await page.evaluate(() => document.cookie)).not.toContain("nsatlas_session");
      expect((await context.cookies()).find((c) => c.name === "nsatlas_session")).toMatchObject({ httpOnly: true, sameSite: "Strict" });
      await page.screenshot({ path: artifact("after-login.png") });
      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL(/\/login$/);
      await page.goto(`${guarded.url}/`);
      await page.waitForURL(/\/login\?next=%2F$/);
    } finally {
      await context.close();
      await guarded.stop();
    }
  });
});
