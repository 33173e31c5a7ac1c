import { describe, expect, it } from "vitest";
import { CAPTURES_API, capturesPath } from "../../../components/capture/capture-client";
import { traceApiPath } from "../../../components/trace/trace-params";
import { apiPaths, nodeApiPath, pageHrefs, scopedHrefs, withAt } from "../../../components/url/routes";

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

describe("a node's API through the hub", () => {
  it("maps a path trace, its query string kept, and both capture routes to the node's passthrough", () => {
    const trace = traceApiPath({ from: "4026532178", to: "10.244.3.2", proto: "tcp", dport: 443 });
    expect(nodeApiPath("node-1", trace)).toBe("/api/v1/n/node-1/trace?from=4026532178&to=10.244.3.2&proto=tcp&dport=443");
    expect(nodeApiPath("a b/c", CAPTURES_API)).toBe("/api/v1/n/a%20b%2Fc/captures");
    expect(nodeApiPath("node-1", capturesPath(undefined))).toBe(capturesPath("node-1"));
    expect(capturesPath(undefined)).toBe("/api/v1/captures");
  });

  it("leaves look-alike paths alone (the hub answers 409 for what it does not pass through)", () => {
    for (const path of ["/api/v1/traces", "/api/v1/capturesx", "/api/v1/tracer?x=1", "/api/v1/snapshots", "/api/v1/expose"]) {
      expect(nodeApiPath("node-1", path)).toBe(path);
    }
  });
});
