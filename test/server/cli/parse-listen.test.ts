/** parseListen: `nsatlas agent --listen` values, accepted and refused (with a one-line error naming the value). */
import { describe, expect, it } from "vitest";
import { parseListen } from "../../../server/cli/parse-listen";

describe("parseListen", () => {
  it.each([
    ["127.0.0.1:7471", "127.0.0.1", 7471],
    ["0.0.0.0:1", "0.0.0.0", 1],
    ["localhost:65535", "localhost", 65535],
    ["node-1.example.com:8080", "node-1.example.com", 8080],
    ["[::1]:7471", "::1", 7471],
    ["[::]:7471", "::", 7471],
    ["[fd00:240::1]:80", "fd00:240::1", 80],
  ])("takes %s as host %s, port %i", (value, host, port) => {
    expect(parseListen(value)).toEqual({ ok: true, listen: { host, port } });
  });

  it.each([
    ["nonsense", "not HOST:PORT"],
    ["", "not HOST:PORT"],
    ["127.0.0.1", "not HOST:PORT"],
    ["127.0.0.1:0", "the port must be a number from 1 to 65535"],
    ["127.0.0.1:65536", "the port must be a number from 1 to 65535"],
    ["127.0.0.1:http", "the port must be a number from 1 to 65535"],
    ["127.0.0.1:-1", "the port must be a number from 1 to 65535"],
    ["127.0.0.1:", "the port must be a number from 1 to 65535"],
    [":7471", "no host before the port"],
    ["::1:7471", "an IPv6 address goes in brackets"],
    ["[::1:7471", "not an IPv6 address in brackets"],
    ["[nonsense]:7471", "not an IPv6 address in brackets"],
    ["300.1.1.1:7471", "not an IPv4 address"],
    ["1.2.3:7471", "not an IPv4 address"],
    ["bad_host!:7471", "not an IP address or host name"],
    ["a b:7471", "not an IP address or host name"],
  ])("refuses %j: %s", (value, why) => {
    const parsed = parseListen(value);
    expect(parsed.ok).toBe(false);
    const message = parsed.ok ? "" : parsed.message;
    expect(message).toBe(`--listen ${JSON.stringify(value)}: ${why} (e.g. 127.0.0.1:7471, 0.0.0.0:7471 or [::1]:7471)`);
  });

  it("keeps the error on one line whatever the value holds", () => {
    const parsed = parseListen("a\nb:1");
    expect(parsed.ok ? "" : parsed.message).toMatch(/^--listen "a\\nb:1": [^\n]+$/);
  });
});
