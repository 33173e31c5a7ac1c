import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../server/config";
import { MAX_AGENT_ENTRIES, parseAgents } from "../../../server/hub/parse-agents";

describe("parseAgents", () => {
  it("takes http(s)://host:port and dns:<name>:<port> entries, trimmed, in order", () => {
    expect(parseAgents(" http://10.0.0.5:7471 ,https://agent-1.example:8443/, dns:nsatlas-agent.nsatlas.svc.cluster.local:7471,http://[fd00::5]:7471")).toEqual(
      {
        ok: true,
        entries: [
          { kind: "static", entry: "http://10.0.0.5:7471", url: "http://10.0.0.5:7471" },
          { kind: "static", entry: "https://agent-1.example:8443/", url: "https://agent-1.example:8443" },
          { kind: "dns", entry: "dns:nsatlas-agent.nsatlas.svc.cluster.local:7471", name: "nsatlas-agent.nsatlas.svc.cluster.local", port: 7471 },
          { kind: "static", entry: "http://[fd00::5]:7471", url: "http://[fd00::5]:7471" },
        ],
      },
    );
  });

  it.each([
    ["ftp://10.0.0.5:21", /entry 1 "ftp:\/\/10.0.0.5:21" is not an agent address: only http/],
    ["http://10.0.0.5", /entry 1 "http:\/\/10.0.0.5" is not an agent address: a port 1-65535 is required/],
    ["http://10.0.0.5:7471/api", /nothing may follow it/],
    ["http://10.0.0.5:7471?x=1", /nothing may follow it/],
    ["http://user:pw@10.0.0.5:7471", /no user or password/],
    ["http://10.0.0.5:0", /a port 1-65535/],
    ["http://10.0.0.5:70000", /not a URL/],
    ["10.0.0.5:7471", /entry 1 "10.0.0.5:7471" is not an agent address: use http/],
    ["dns:agents", /entry 1 "dns:agents" is not dns:<name>:<port>/],
    ["dns:agents:http", /is not dns:<name>:<port>/],
    ["dns:agents:99999", /is not dns:<name>:<port>/],
    ["dns:bad name:7471", /is not dns:<name>:<port>/],
    ["dns:-bad.example:7471", /is not dns:<name>:<port>/],
    ["http://a:1,,http://b:1", /entry 2 "" is empty \(a stray comma\?\)/],
    ["http://a:1,http://A:1", /entry 2 "http:\/\/A:1" is listed twice/],
    ["dns:x.local:1,dns:X.local:1", /is listed twice/],
    ["", /NSATLAS_AGENTS is empty/],
    [" , ", /NSATLAS_AGENTS is empty/],
  ])("refuses %j with one line naming the entry", (value, message) => {
    const parsed = parseAgents(value);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(message);
    expect(parsed.error).not.toContain("\n");
  });

  it("shows control characters escaped and long entries cut", () => {
    const parsed = parseAgents(`http://a:1,dns:x\u0007y:1`);
    expect(parsed.ok ? "" : parsed.error).toContain('"dns:x\\\\x07y:1"');
    const long = parseAgents(`dns:${"a".repeat(400)}:1`);
    expect(long.ok ? "" : long.error).toMatch(/is longer than 300 characters/);
    expect((long.ok ? "" : long.error).length).toBeLessThan(200);
  });

  it("caps the number of entries", () => {
    const many = Array.from({ length: MAX_AGENT_ENTRIES + 1 }, (_, i) => `http://10.0.${i >> 8}.${i & 255}:1`).join(",");
    expect(parseAgents(many)).toMatchObject({ ok: false, error: expect.stringMatching(/at most 256/) });
  });
});

describe("parseConfig with NSATLAS_AGENTS", () => {
  it("is not a hub without it, and an empty value counts as unset", () => {
    expect(parseConfig({}).agents).toBeUndefined();
    expect(parseConfig({ NSATLAS_AGENTS: "  " }).agents).toBeUndefined();
  });

  it("sends NSATLAS_AGENT_TOKEN to the agents, else NSATLAS_TOKEN", () => {
    const both = parseConfig({ NSATLAS_AGENTS: "dns:a.b:7471", NSATLAS_TOKEN: "dashboard-token-0123", NSATLAS_AGENT_TOKEN: "agents-token-012345" });
    expect([both.agents?.length, both.agentToken]).toEqual([1, "agents-token-012345"]);
    expect(parseConfig({ NSATLAS_AGENTS: "dns:a.b:7471", NSATLAS_TOKEN: "dashboard-token-0123" }).agentToken).toBe("dashboard-token-0123");
    expect(parseConfig({ NSATLAS_AGENTS: "dns:a.b:7471" }).agentToken).toBeUndefined();
    expect(() => parseConfig({ NSATLAS_AGENT_TOKEN: "short" })).toThrow(/NSATLAS_AGENT_TOKEN must have at least 16 characters/);
  });

  it("refuses a bad entry with a one-line ConfigError naming it", () => {
    let error: unknown;
    try {
      parseConfig({ NSATLAS_AGENTS: "dns:agents:7471,tcp://10.0.0.9:7471" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error instanceof Error ? error.message : "").toBe(
      'NSATLAS_AGENTS entry 2 "tcp://10.0.0.9:7471" is not an agent address: only http:// and https:// are supported; use http://host:port, https://host:port or dns:<name>:<port>',
    );
  });
});
