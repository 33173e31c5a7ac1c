/**
 * `npm run bench:ui`: the dashboard in headless Chromium at scale. Builds 250 and then 1,000
 * namespaces (each a veth into a bridge, addresses, a default route; the same graph a node of pods
 * gives), and measures: the topology's first complete graph after the snapshot arrives, that the
 * 1,000-namespace graph renders and pans, and a search keystroke → updated table at 1,000 rows.
 */
import os from "node:os";
import type { Page } from "playwright-core";
import { launchBrowser } from "../e2e/helpers/browser";
import { startDashboard } from "../e2e/helpers/dashboard-server";
import { median } from "./measure";
import { ScaleLab } from "./scale-lab";

const RUNS = Number(process.env.NSATLAS_BENCH_RUNS ?? 5);
const NO_ENGINE = "/run/nsatlas-bench-no-engine.sock";

/** Marks, in page time, when the graph is laid out and shown, and when the table's row count changes. */
const MARKS = `
  window.__marks = { laidOut: 0, rowCountChanged: [] };
  new MutationObserver(() => {
    if (!window.__marks.laidOut && document.querySelector('[data-laid-out="true"]') && document.querySelector('[data-topo-node]')) window.__marks.laidOut = performance.now();
    const count = document.querySelector('[data-testid="row-count"]');
    if (count && count.textContent !== window.__lastCount) { window.__lastCount = count.textContent; window.__marks.rowCountChanged.push(performance.now()); }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
`;

async function topologyAfterData(page: Page, url: string): Promise<number> {
  await page.goto(`${url}/topology?live=0`);
  await page.locator('[data-testid="topology-canvas"][data-laid-out="true"]').waitFor({ timeout: 120_000 });
  await page.locator("[data-topo-node]").first().waitFor();
  const t = await page.evaluate(() => {
    const w = window as unknown as { __marks: { laidOut: number } };
    const snapshot = performance.getEntriesByType("resource").find((e) => e.name.includes("/api/v1/snapshot")) as PerformanceResourceTiming | undefined;
    const start = performance.getEntriesByName("nsatlas:layout:start")[0]?.startTime ?? 0;
    const end = performance.getEntriesByName("nsatlas:layout:end")[0]?.startTime ?? 0;
    return { total: w.__marks.laidOut - (snapshot?.responseEnd ?? 0), layout: end - start, shown: w.__marks.laidOut - end };
  });
  console.log(`bench:ui: graph ${JSON.stringify(t)}`);
  return t.total;
}

async function pans(page: Page): Promise<boolean> {
  const viewport = page.locator(".react-flow__viewport");
  const before = await viewport.getAttribute("style");
  const box = await page.getByTestId("topology-canvas").boundingBox();
  if (box === null) return false;
  // Start in the margin fitView leaves around the graph: the pane, not a node.
  await page.mouse.move(box.x + 8, box.y + box.height - 8);
  await page.mouse.down();
  await page.mouse.move(box.x + 208, box.y + box.height - 128, { steps: 8 });
  await page.mouse.up();
  return (await viewport.getAttribute("style")) !== before;
}

async function keystrokeToTable(page: Page, url: string): Promise<number[]> {
  await page.goto(`${url}/?live=0`);
  await page.locator("tr[data-netns]").first().waitFor({ timeout: 60_000 });
  const box = page.getByRole("searchbox", { name: "Search namespaces" });
  const times: number[] = [];
  for (const ch of "nsb-1") {
    const before: number = await page.evaluate(() => (window as unknown as { __marks: { rowCountChanged: number[] } }).__marks.rowCountChanged.length);
    const start: number = await page.evaluate(() => performance.now());
    await box.press(ch === "-" ? "Minus" : ch);
    await page
      .waitForFunction((n) => (window as unknown as { __marks: { rowCountChanged: number[] } }).__marks.rowCountChanged.length > n, before, { timeout: 10_000 })
      .catch(() => undefined);
    const end: number = await page.evaluate(() => (window as unknown as { __marks: { rowCountChanged: number[] } }).__marks.rowCountChanged.at(-1) ?? 0);
    if (end > start) times.push(end - start);
  }
  return times;
}

async function main(): Promise<void> {
  const lab = new ScaleLab();
  lab.destroy();
  const server = await startDashboard({ NSATLAS_DOCKER_SOCKET: NO_ENGINE, NSATLAS_PODMAN_SOCKET: NO_ENGINE, NSATLAS_CRI_SOCKETS: NO_ENGINE });
  const browser = await launchBrowser();
  const rows: string[] = [];
  try {
    for (const size of (process.env.NSATLAS_BENCH_UI_SIZES ?? "250,1000").split(",").map(Number)) {
      await lab.growTo(size);
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      await context.addInitScript(MARKS);
      const page = await context.newPage();
      const graph: number[] = [];
      for (let i = 0; i < (size === 250 ? RUNS : 2); i++) graph.push(await topologyAfterData(page, server.url));
      const nodes = await page.locator("[data-topo-node]").count();
      const panned = await pans(page);
      const typing = await keystrokeToTable(page, server.url);
      const tableRows = await page.locator("tr[data-netns]").count();
      rows.push(
        `| ${size} | ${nodes} | ${median(graph).toFixed(0)} | ${panned ? "yes" : "NO"} | ${typing.length > 0 ? median(typing).toFixed(0) : "-"} (${typing.map((t) => t.toFixed(0)).join(", ")}) | ${tableRows} |`,
      );
      console.log(rows.at(-1));
      await context.close();
    }
    console.log(`
| namespaces | graph nodes drawn | data → complete graph, ms (median) | pans | search keystroke → table, ms (median, each) | rows after search |
|---|---|---|---|---|---|
${rows.join("\n")}

bench:ui: ${os.cpus().length} CPUs, Debian chromium headless, graph medians of ${RUNS} at 250 and 2 at 1,000.`);
  } finally {
    await browser.close();
    await server.stop();
    lab.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
