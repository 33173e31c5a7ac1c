import type { Locator, Page } from "playwright-core";

/** The overview (/) as a user sees it. */
export class OverviewPage {
  constructor(readonly page: Page) {}

  /** Opens with every row shown: the node may hold more namespaces than the table's first page, not only the test's. */
  async open(baseUrl: string, query = ""): Promise<void> {
    const params = new URLSearchParams(query);
    params.set("rows", "all");
    await this.page.goto(`${baseUrl}/?${params.toString()}`);
    await this.page.getByRole("heading", { level: 1 }).waitFor();
  }

  nodeName(): Promise<string> {
    return this.page.getByRole("heading", { level: 1 }).innerText();
  }

  engine(name: string): Locator {
    return this.page.locator(`[data-engine="${name}"]`).first();
  }

  engineStatus(name: string): Promise<string | null> {
    return this.engine(name).getAttribute("data-status");
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole("searchbox", { name: "Search namespaces" }).fill(text);
  }

  rows(): Locator {
    return this.page.locator("tr[data-netns]");
  }

  async rowIds(): Promise<string[]> {
    return this.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute("data-netns") ?? ""));
  }

  async toggleFilter(label: string): Promise<void> {
    await this.page.getByRole("button", { name: label, exact: true }).click();
  }
}
