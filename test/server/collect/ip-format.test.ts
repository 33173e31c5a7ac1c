import { describe, expect, it } from "vitest";
import { formatIp, formatIpAt, formatMac } from "../../../server/collect/ip-format";

const v6 = (s: string) => Buffer.from(s.replace(/:/g, ""), "hex");

describe("formatIp (RFC 5952)", () => {
  it.each([
    ["20010db8000000000000000000000001", "2001:db8::1"],
    ["00000000000000000000000000000000", "::"],
    ["00000000000000000000000000000001", "::1"],
    ["fe800000000000000000000000000000", "fe80::"],
    ["20010db8000000010000000000000001", "2001:db8:0:1::1"],
    ["20010db8000000000001000000000001", "2001:db8::1:0:0:1"],
    ["20010db8000100010001000100010001", "2001:db8:1:1:1:1:1:1"],
  ])("%s → %s", (hex, text) => {
    expect(formatIp(v6(hex))).toBe(text);
  });

  it("agrees with the WHATWG URL parser's IPv6 serialiser on every pattern of zero groups, and reads at an offset", () => {
    // Each of the 256 patterns of zero and non-zero groups, with non-zero groups of 1 to 4 hex digits.
    const checked = Array.from({ length: 256 }, (_, pattern) => {
      const groups = Array.from({ length: 8 }, (_, i) => ((pattern >> i) & 1 ? [0x1, 0xab, 0xcde, 0xf00d][i % 4] : 0) ?? 0);
      const bytes = Buffer.alloc(20);
      groups.forEach((g, i) => bytes.writeUInt16BE(g, 2 + 2 * i));
      const expected = new URL(`http://[${groups.map((g) => g.toString(16)).join(":")}]/`).hostname.slice(1, -1);
      expect(formatIpAt(bytes, 2, 18), expected).toBe(expected);
      return expected;
    });
    expect(new Set(checked).size).toBe(256);
  });

  it("formats IPv4 and refuses other lengths", () => {
    expect(formatIp(Buffer.from([10, 231, 10, 2]))).toBe("10.231.10.2");
    expect(formatIp(Buffer.from([1, 2, 3]))).toBeUndefined();
  });

  it("formats hardware addresses of any length", () => {
    expect(formatMac(Buffer.from([0x02, 0x42, 0xac, 0x11, 0, 2]))).toBe("02:42:ac:11:00:02");
    expect(formatMac(Buffer.alloc(0))).toBeUndefined();
  });
});
