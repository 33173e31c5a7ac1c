import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTE_TEMPLATES, routeTemplate } from "../../../../server/http/front/route-template";

/** Every page and route handler under app/, as its URL template. */
function appRoutes(dir = path.resolve("app"), prefix = ""): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) found.push(...appRoutes(path.join(dir, entry.name), `${prefix}/${entry.name}`));
    else if (entry.name === "page.tsx" || entry.name === "route.ts") found.push(prefix === "" ? "/" : prefix);
  }
  return found;
}

describe("routeTemplate", () => {
  it("has a template for every route in app/ (the catch-all API 404 aside)", () => {
    const routes = appRoutes().filter((r) => r !== "/api/[...path]");
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) expect(ROUTE_TEMPLATES, route).toContain(route);
  });

  it("maps paths to their templates, literal routes first", () => {
    expect(routeTemplate("/netns/4026531840")).toBe("/netns/[netnsId]");
    expect(routeTemplate("/api/v1/snapshots/import")).toBe("/api/v1/snapshots/import");
    expect(routeTemplate("/api/v1/snapshots/s-123")).toBe("/api/v1/snapshots/[snapshotId]");
    expect(routeTemplate("/s/s-1")).toBe("/s/[snapshotId]/[[...rest]]");
    expect(routeTemplate("/s/s-1/pods/a/b")).toBe("/s/[snapshotId]/[[...rest]]");
    expect(routeTemplate("/_next/static/chunks/app.js")).toBe("/_next/static/[...asset]");
  });

  it("names unknown paths without echoing them", () => {
    expect(routeTemplate("/api/v2/whatever")).toBe("/api/[...unknown]");
    expect(routeTemplate("/etc/passwd")).toBe("[unknown]");
    expect(routeTemplate("/icon.svgx")).toBe("[unknown]");
  });
});
