import type { Locator, Page } from "playwright-core";

/** A pod, container or namespace page. */
export class DetailPage {
  constructor(readonly page: Page) {}

  iface(name: string): Locator {
    return this.page.locator(`tr[data-iface="${name}"]`).first();
  }

  async addressesOf(name: string): Promise<string[]> {
    const text = await this.iface(name).locator('[data-testid="addresses"]').innerText();
    return text
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
  }

  leadsTo(name: string): Locator {
    return this.iface(name).locator('[data-testid="leads-to"]');
  }

  notFound(): Locator {
    return this.page.getByTestId("not-found");
  }
}
