import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { methodLabel, registerHttpMetrics, statusLabel } from "../../../server/metrics/http-metrics";

describe("HTTP request metrics", () => {
  it("bounds the method and status labels", () => {
    expect(["get", "HEAD", "Post", "PUT", "patch", "DELETE", "options"].map(methodLabel)).toEqual(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
    expect(["PROPFIND", "TRACE", "", "G\u0000ET"].map(methodLabel)).toEqual(["other", "other", "other", "other"]);
    expect([200, 404, 599, 99, 600, 200.5, Number.NaN].map(statusLabel)).toEqual(["200", "404", "599", "other", "other", "other", "other"]);
  });

  it("counts by route, method and status, and times by route and method", async () => {
    const registry = new Registry();
    const observe = registerHttpMetrics(registry);
    observe({ route: "/api/v1/netns/[netnsId]", method: "get", status: 200, seconds: 0.02 });
    observe({ route: "/api/v1/netns/[netnsId]", method: "GET", status: 404, seconds: 0.003 });
    observe({ route: "/api/v1/snapshot", method: "BREW", status: 405, seconds: 0.001 });
    const text = await registry.metrics();
    expect(text).toContain('nsatlas_http_requests_total{route="/api/v1/netns/[netnsId]",method="GET",status="200"} 1');
    expect(text).toContain('nsatlas_http_requests_total{route="/api/v1/netns/[netnsId]",method="GET",status="404"} 1');
    expect(text).toContain('nsatlas_http_requests_total{route="/api/v1/snapshot",method="other",status="405"} 1');
    expect(text).toContain('nsatlas_http_request_duration_seconds_count{route="/api/v1/netns/[netnsId]",method="GET"} 2');
    expect(text).toContain('nsatlas_http_request_duration_seconds_bucket{le="0.005",route="/api/v1/netns/[netnsId]",method="GET"} 1');
  });
});
