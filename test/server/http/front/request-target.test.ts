import { describe, expect, it } from "vitest";
import { checkRequestTarget, MAX_TARGET_LENGTH } from "../../../../server/http/front/request-target";

describe("checkRequestTarget", () => {
  it("passes well-formed targets and gives their decoded path", () => {
    expect(checkRequestTarget("/pods/shop/web%200?at=2026-12-04T10%3A00&view=overview")).toEqual({ ok: true, pathname: "/pods/shop/web 0" });
    expect(checkRequestTarget("/netns/4026531840")).toEqual({ ok: true, pathname: "/netns/4026531840" });
    expect(checkRequestTarget("/search?q=a+b&empty=&flag")).toEqual({ ok: true, pathname: "/search" });
    expect(checkRequestTarget("/%E2%9C%93")).toEqual({ ok: true, pathname: "/✓" });
  });

  it.each([
    ["/netns/%ff", "Malformed path"],
    ["/api/v1/netns/%", "Malformed path"],
    ["/pods/%/x", "Malformed path"],
    ["/api/v1/pods/%E0%A4%A/x", "Malformed path"],
    ["/%C0%AF", "Malformed path"],
    ["/a%00b", "Malformed path"],
    ["/?q=%zz", "Malformed query"],
    ["/?%ff=1", "Malformed query"],
    ["/topology?focus=%00", "Malformed query"],
    ["/?a=%ED%A0%80", "Malformed query"],
  ])("refuses %s with 400 (%s)", (target, title) => {
    expect(checkRequestTarget(target)).toMatchObject({ ok: false, status: 400, title });
  });

  it("refuses targets that are not origin-form paths", () => {
    expect(checkRequestTarget("http://example.com/")).toMatchObject({ ok: false, status: 400 });
    expect(checkRequestTarget("*")).toMatchObject({ ok: false, status: 400 });
  });

  it("refuses over-long targets with 414", () => {
    expect(checkRequestTarget(`/${"a".repeat(MAX_TARGET_LENGTH)}`)).toMatchObject({ ok: false, status: 414 });
    expect(checkRequestTarget(`/${"a".repeat(MAX_TARGET_LENGTH - 1)}`)).toMatchObject({ ok: true });
  });
});
