import { createRequire } from "node:module";
import fs from "node:fs";
import type { Page } from "playwright-core";
import { z } from "zod";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const resultsSchema = z.object({
  violations: z.array(
    z
      .object({
        id: z.string(),
        impact: z.string().nullable().optional(),
        help: z.string(),
        nodes: z.array(z.object({ target: z.array(z.unknown()) }).loose()),
      })
      .loose(),
  ),
});

/** axe-core's serious and critical violations on the page as it is now, as "rule: help (n nodes)". */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const raw: unknown = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<unknown> } }).axe;
    return axe.run(document);
  });
  return resultsSchema
    .parse(raw)
    .violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${JSON.stringify(v.nodes[0]?.target)})`);
}
