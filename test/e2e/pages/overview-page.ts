import type { Locator, Page } from "playwright-core";

/** The overview (/) as a user sees it. */
export class OverviewPage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, query = ""): Promise<void> {
    await this.page.goto(`${baseUrl}/${query}`);
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
