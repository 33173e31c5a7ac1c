/** The text form of a trace (nsatlas trace without --json). */
import { describe, expect, it } from "vitest";
import type { TraceResult } from "../../../server/contract/trace";
import { formatTrace } from "../../../server/trace/format-trace";

describe("formatTrace", () => {
  it("prints a line per hop with its notes, then the verdict, the warnings and the netfilter caveat", () => {
    const result: TraceResult = {
      query: { from: "11", to: "10.0.1.2", proto: "tcp", dport: 443 },
      verdict: "mtu",
      hops: [
        {
          netnsId: "11",
          label: "shop/web-0",
          kind: "route",
          out: "eth0",
          via: "10.0.0.254",
          route: "default via 10.0.0.254 dev eth0 table main",
          notes: ["neighbour 10.0.0.254 is 02:00:00:00:00:01 (REACHABLE)"],
        },
        { netnsId: "5", label: "netns 5", kind: "bridge", in: "p1", out: "pr", route: "bridge br0: FDB 02:00:00:00:00:01 → pr (learned)", notes: [] },
        { netnsId: "6", label: "router", kind: "route", in: "eth0", route: "local 10.0.1.2 dev eth1 table local", notes: [] },
      ],
      detail: "delivered in router: 10.0.1.2 is its own address; but only in packets of at most 1400 bytes: pr in netns 5 has MTU 1400, the source's is 1500",
      source: "10.0.0.1",
      warnings: ["something else"],
      netfilter: "not evaluated",
      snapshotId: "s",
      tracedAt: "2026-01-01T00:00:00.000Z",
    };
    expect(formatTrace(result)).toBe(
      [
        "trace 10.0.1.2 from shop/web-0 (netns 11), tcp dport 443, source 10.0.0.1",
        "  1  shop/web-0  route   → eth0 via 10.0.0.254     default via 10.0.0.254 dev eth0 table main",
        "                         neighbour 10.0.0.254 is 02:00:00:00:00:01 (REACHABLE)",
        "  2  netns 5     bridge  p1 → pr                   bridge br0: FDB 02:00:00:00:00:01 → pr (learned)",
        "  3  router      route   eth0 →                    local 10.0.1.2 dev eth1 table local",
        "verdict: mtu: delivered in router: 10.0.1.2 is its own address; but only in packets of at most 1400 bytes: pr in netns 5 has MTU 1400, the source's is 1500",
        "warning: something else",
        "netfilter: not evaluated (iptables/nftables rules may still drop what the routing lets through)",
        "",
      ].join("\n"),
    );
  });
});
