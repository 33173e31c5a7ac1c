import { describe, expect, it } from "vitest";
import { apiPaths, pageHrefs, scopedHrefs, withAt } from "../../../components/url/routes";

describe("links inside a stored snapshot", () => {
  it("adds at= before the fragment and after any query", () => {
    expect(withAt("/netns/4026532001#if-3", "17-ab")).toBe("/netns/4026532001?at=17-ab#if-3");
    expect(withAt("/topology?focus=pod%3Aa%2Fb", "17-ab")).toBe("/topology?focus=pod%3Aa%2Fb&at=17-ab");
    expect(withAt("/", undefined)).toBe("/");
  });

  it("keeps every page link in the snapshot, and is the plain builder when live", () => {
    const hrefs = scopedHrefs("17-ab");
    expect(hrefs.pod("shop", "cart-0")).toBe("/pods/shop/cart-0?at=17-ab");
    expect(hrefs.container("web")).toBe("/containers/web?at=17-ab");
    expect(hrefs.netns("1", 2)).toBe("/netns/1?at=17-ab#if-2");
    expect(scopedHrefs(undefined)).toBe(pageHrefs);
  });

  it("asks the API for the stored snapshot", () => {
    expect(apiPaths.snapshotOverview("17-ab")).toBe("/api/v1/snapshot?view=overview&at=17-ab");
    expect(apiPaths.snapshotOverview()).toBe("/api/v1/snapshot?view=overview");
    expect(apiPaths.netns("1", "17-ab")).toBe("/api/v1/netns/1?at=17-ab");
    expect(apiPaths.diff("17-ab")).toBe("/api/v1/diff?from=17-ab&to=now");
  });
});
