import { describe, expect, it } from "vitest";
import { captureRequestSchema } from "../../../server/contract/capture";

const parse = (body: unknown) => captureRequestSchema.safeParse(body);
const ID = "4026532001";

describe("captureRequestSchema", () => {
  it("takes the four forms, with defaults", () => {
    expect(parse({ netnsId: ID, iface: "eth0" }).data).toEqual({
      target: { kind: "sources", sources: [{ netnsId: ID, iface: "eth0" }] },
      seconds: 10,
      filter: "",
      snaplen: 262144,
    });
    expect(
      parse({
        sources: [
          { netnsId: ID, iface: "eth0" },
          { netnsId: "1", iface: "lo" },
        ],
        seconds: 5,
        filter: " icmp ",
        snaplen: 96,
      }).data,
    ).toEqual({
      target: {
        kind: "sources",
        sources: [
          { netnsId: ID, iface: "eth0" },
          { netnsId: "1", iface: "lo" },
        ],
      },
      seconds: 5,
      filter: "icmp",
      snaplen: 96,
    });
    expect(parse({ pod: "shop/api-7f9" }).data?.target).toEqual({ kind: "pod", namespace: "shop", name: "api-7f9" });
    expect(parse({ veth: { netnsId: ID, iface: "veth1a2b" } }).data?.target).toEqual({ kind: "veth", source: { netnsId: ID, iface: "veth1a2b" } });
  });

  it.each([
    ["seconds 0", { netnsId: ID, iface: "eth0", seconds: 0 }],
    ["seconds 61", { netnsId: ID, iface: "eth0", seconds: 61 }],
    ["fractional seconds", { netnsId: ID, iface: "eth0", seconds: 1.5 }],
    ["seconds as text", { netnsId: ID, iface: "eth0", seconds: "5" }],
    ["snaplen 63", { netnsId: ID, iface: "eth0", snaplen: 63 }],
    ["snaplen 262145", { netnsId: ID, iface: "eth0", snaplen: 262145 }],
    ["no target", { seconds: 5 }],
    ["two targets", { netnsId: ID, iface: "eth0", pod: "a/b" }],
    ["netnsId alone", { netnsId: ID }],
    ["iface alone", { iface: "eth0" }],
    ["an unknown key", { netnsId: ID, iface: "eth0", promisc: true }],
    ["nine sources", { sources: Array.from({ length: 9 }, (_, i) => ({ netnsId: ID, iface: `eth${i}` })) }],
    ["no sources", { sources: [] }],
    [
      "a source twice",
      {
        sources: [
          { netnsId: ID, iface: "eth0" },
          { netnsId: ID, iface: "eth0" },
        ],
      },
    ],
    ["an iface with a slash", { netnsId: ID, iface: "../etc" }],
    ["an iface of 16 bytes", { netnsId: ID, iface: "a".repeat(16) }],
    ["an iface '.'", { netnsId: ID, iface: "." }],
    ["an iface with a space", { netnsId: ID, iface: "eth 0" }],
    ["a netns id that is no inode", { netnsId: "abc", iface: "eth0" }],
    ["a pod without a namespace", { pod: "api" }],
    ["a pod path", { pod: "shop/api/x" }],
    ["a pod with capitals", { pod: "Shop/api" }],
    ["a filter with a newline", { netnsId: ID, iface: "eth0", filter: "icmp\nor udp" }],
    ["a filter with unbalanced parentheses", { netnsId: ID, iface: "eth0", filter: "icmp) or (udp" }],
    ["a filter left open", { netnsId: ID, iface: "eth0", filter: "(icmp" }],
    ["a long filter", { netnsId: ID, iface: "eth0", filter: "icmp or ".repeat(200) + "udp" }],
  ])("refuses %s", (_, body) => {
    expect(parse(body).success).toBe(false);
  });

  it("says what is wrong with the seconds", () => {
    expect(parse({ netnsId: ID, iface: "eth0", seconds: 61 }).error?.issues[0]?.message).toBe("a capture runs 1 to 60 seconds");
  });
});
