import { describe, expect, it } from "vitest";
import { connectionFilter, parseSocketHeader, socketHeaderValue, withoutOwnConnection } from "../../../server/capture/own-connection";

describe("the request's own connection", () => {
  it("goes through the header and back, IPv4-mapped peers as IPv4, zones dropped", () => {
    const value = socketHeaderValue({ remoteAddress: "::ffff:127.0.0.1", remotePort: 51234, localAddress: "::ffff:127.0.0.1", localPort: 3000 });
    expect(value).toBe("127.0.0.1 51234 127.0.0.1 3000");
    expect(parseSocketHeader(value ?? null)).toEqual({ remoteAddress: "127.0.0.1", remotePort: 51234, localAddress: "127.0.0.1", localPort: 3000 });
    expect(socketHeaderValue({ remoteAddress: "fe80::1%eth0", remotePort: 1, localAddress: "fe80::2%eth0", localPort: 2 })).toBe("fe80::1 1 fe80::2 2");
    expect(socketHeaderValue({ remoteAddress: "10.0.0.1" })).toBeUndefined();
  });

  it.each([
    null,
    "",
    "1.2.3.4 80",
    "1.2.3.4 0 1.2.3.5 80",
    "1.2.3.4 80 1.2.3.5 65536",
    "host 80 1.2.3.5 80",
    "1.2.3.4 80 1.2.3.5 80 x",
    "1.2.3.4 8a 1.2.3.5 80",
  ])("refuses the header %j", (value) => {
    expect(parseSocketHeader(value)).toBeUndefined();
  });

  it("leaves exactly that TCP connection out of the user's filter", () => {
    const ends = { remoteAddress: "10.0.0.9", remotePort: 40000, localAddress: "10.0.0.1", localPort: 3000 };
    expect(connectionFilter(ends)).toBe("tcp and host 10.0.0.9 and port 40000 and host 10.0.0.1 and port 3000");
    expect(withoutOwnConnection("", ends)).toBe("not (tcp and host 10.0.0.9 and port 40000 and host 10.0.0.1 and port 3000)");
    expect(withoutOwnConnection("icmp or udp", ends)).toBe("(icmp or udp) and not (tcp and host 10.0.0.9 and port 40000 and host 10.0.0.1 and port 3000)");
  });
});
