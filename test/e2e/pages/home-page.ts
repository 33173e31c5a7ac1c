import type { Locator, Page } from "playwright-core";

/** The home page as a user sees it. */
export class HomePage {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/`);
    await this.page.getByRole("heading", { level: 1 }).waitFor();
  }

  nodeName(): Promise<string> {
    return this.page.getByRole("heading", { level: 1 }).innerText();
  }

  engineRow(name: string): Locator {
    return this.page.locator(`tr[data-engine="${name}"]`);
  }

  engineStatus(name: string): Promise<string | null> {
    return this.engineRow(name).getAttribute("data-status");
  }
}
