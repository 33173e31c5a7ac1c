import { describe, expect, it } from "vitest";
import { parseLiveParams, parseOverviewParams, withParams } from "../../../components/url/search-params";
import { pageHrefs } from "../../../components/url/routes";

describe("overview URL state", () => {
  it("reads search, filters and sort", () => {
    expect(parseOverviewParams(new URLSearchParams("q=web&kind=kubernetes-pod,process&engine=docker&k8sns=shop&sort=addresses&dir=desc"))).toEqual({
      q: "web",
      kind: ["kubernetes-pod", "process"],
      engine: ["docker"],
      k8sns: ["shop"],
      sort: "addresses",
      dir: "desc",
    });
  });

  it("falls back to defaults on hand-edited nonsense instead of failing", () => {
    expect(parseOverviewParams(new URLSearchParams("kind=bogus,pod&sort=%3Cscript%3E&dir=sideways&engine=..%2F"))).toEqual({
      q: "",
      kind: [],
      engine: [],
      k8sns: [],
      sort: "owner",
      dir: "asc",
    });
    expect(parseLiveParams(new URLSearchParams("live=maybe&every=0"))).toEqual({ live: true, every: 5 });
    expect(parseLiveParams(new URLSearchParams("live=0&every=30"))).toEqual({ live: false, every: 30 });
  });

  it("writes changes and drops defaults, so links stay short", () => {
    const next = withParams(new URLSearchParams("q=web&sort=id"), { q: "", kind: ["process"], sort: "owner", every: "10" });
    expect(next.toString()).toBe("kind=process&every=10");
  });

  it("round-trips: what it writes, it reads back the same", () => {
    const written = withParams(new URLSearchParams(), { q: "10.231 eth0", kind: ["ip-netns", "host"], dir: "desc", sort: "interfaces" });
    expect(parseOverviewParams(written)).toMatchObject({ q: "10.231 eth0", kind: ["ip-netns", "host"], dir: "desc", sort: "interfaces" });
  });
});

describe("page links", () => {
  it("escapes names so odd characters cannot break out of the path", () => {
    expect(pageHrefs.pod("shop", "web/../x")).toBe("/pods/shop/web%2F..%2Fx");
    expect(pageHrefs.netns("4026531833", 7)).toBe("/netns/4026531833#if-7");
    expect(pageHrefs.container("a b?c")).toBe("/containers/a%20b%3Fc");
  });
});

describe("the stored snapshot in the URL", () => {
  it("reads at= and since= as snapshot ids, and drops malformed ones", () => {
    expect(parseLiveParams(new URLSearchParams("at=1795949896003-4dcd58bb&since=17-ab"))).toMatchObject({ at: "1795949896003-4dcd58bb", since: "17-ab" });
    expect(parseLiveParams(new URLSearchParams("at=../../etc&since=%3Cscript%3E")).at).toBeUndefined();
    expect(parseLiveParams(new URLSearchParams("since=%3Cscript%3E")).since).toBeUndefined();
  });
});
