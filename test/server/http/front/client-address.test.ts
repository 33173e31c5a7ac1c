import { describe, expect, it } from "vitest";
import { trustedProxySet } from "../../../../server/config";
import { clientAddress } from "../../../../server/http/front/client-address";

const none = trustedProxySet([]);
const proxies = trustedProxySet(["10.0.0.0/8", "fd00::/8", "192.0.2.9"]);

describe("clientAddress", () => {
  it("is the socket peer when no proxy is trusted, whatever the headers say", () => {
    expect(clientAddress("127.0.0.1", { "x-forwarded-for": "203.0.113.5" }, none)).toBe("127.0.0.1");
    expect(clientAddress("::ffff:127.0.0.2", { forwarded: "for=203.0.113.5" }, none)).toBe("127.0.0.2");
    expect(clientAddress(undefined, {}, none)).toBe("unknown");
  });

  it("is the peer when the peer is not a trusted proxy", () => {
    expect(clientAddress("198.51.100.1", { "x-forwarded-for": "203.0.113.5" }, proxies)).toBe("198.51.100.1");
  });

  it("takes the nearest untrusted hop of X-Forwarded-For behind trusted proxies", () => {
    expect(clientAddress("10.1.2.3", { "x-forwarded-for": "203.0.113.5" }, proxies)).toBe("203.0.113.5");
    // The client wrote the first entry itself; the proxies appended the rest.
    expect(clientAddress("10.1.2.3", { "x-forwarded-for": "1.1.1.1, 203.0.113.5, 10.9.9.9" }, proxies)).toBe("203.0.113.5");
    expect(clientAddress("192.0.2.9", { "x-forwarded-for": ["198.51.100.7", "10.0.0.1"] }, proxies)).toBe("198.51.100.7");
  });

  it("reads Forwarded when there is no X-Forwarded-For", () => {
    expect(clientAddress("10.1.2.3", { forwarded: 'for="[2001:db8::1]:4711";proto=https' }, proxies)).toBe("2001:db8::1");
    expect(clientAddress("fd00::1", { forwarded: "for=203.0.113.8, for=10.0.0.2" }, proxies)).toBe("203.0.113.8");
  });

  it("stops at a hop that is not an address, and is the last trusted hop then", () => {
    expect(clientAddress("10.1.2.3", { "x-forwarded-for": "unknown, 10.0.0.7" }, proxies)).toBe("10.0.0.7");
    expect(clientAddress("10.1.2.3", {}, proxies)).toBe("10.1.2.3");
  });
});
