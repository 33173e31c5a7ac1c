/** No serious or critical axe-core violations on the main pages, in light and dark. */
import { describe, expect, it } from "vitest";
import { seriousViolations } from "./helpers/axe";
import { labDashboardSuite } from "./helpers/lab-dashboard";

const suite = labDashboardSuite();

describe("accessibility", () => {
  it.each(["light", "dark"] as const)("the overview, a pod page and a namespace page have no serious violations (%s)", async (colorScheme) => {
    const pod = suite.manifest().netns.find((n) => n.owner.kind === "kubernetes-pod");
    if (pod === undefined || pod.owner.kind !== "kubernetes-pod") throw new Error("no pod in the lab");
    const context = await suite.browser().newContext({ colorScheme, viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const pages = [
      { path: "/", ready: "tr[data-netns]" },
      { path: `/pods/${pod.owner.namespace}/${pod.owner.name}`, ready: "tr[data-iface]" },
      { path: `/netns/${suite.manifest().hostInode}`, ready: "tr[data-iface]" },
    ];
    for (const p of pages) {
      await page.goto(`${suite.server().url}${p.path}`);
      await page.locator(p.ready).first().waitFor();
      expect(await seriousViolations(page), p.path).toEqual([]);
    }
    await context.close();
  });
});
