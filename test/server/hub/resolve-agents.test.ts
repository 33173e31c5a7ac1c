import { afterEach, describe, expect, it, vi } from "vitest";
import { parseAgents, type AgentEntry } from "../../../server/hub/parse-agents";
import { AgentDirectory, type Endpoint } from "../../../server/hub/resolve-agents";

function entries(value: string): AgentEntry[] {
  const parsed = parseAgents(value);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.entries;
}

/** A resolver the test controls: name → addresses, or an error code. */
function fakeDns(): { answers: Map<string, string[] | string>; lookup: (name: string) => Promise<string[]>; calls: number } {
  const dns = {
    answers: new Map<string, string[] | string>(),
    calls: 0,
    lookup: (name: string) => {
      dns.calls++;
      const answer = dns.answers.get(name);
      if (answer === undefined) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" }));
      if (typeof answer === "string") return Promise.reject(Object.assign(new Error(answer), { code: answer }));
      return Promise.resolve(answer);
    },
  };
  return dns;
}

afterEach(() => vi.useRealTimers());

describe("AgentDirectory", () => {
  it("gives static entries at once and every A/AAAA record of a dns: entry, and is resolved after the first round", async () => {
    const dns = fakeDns();
    dns.answers.set("agents.svc", ["10.0.0.12", "10.0.0.11", "fd00::5", "10.0.0.11"]);
    const seen: Endpoint[][] = [];
    const dir = new AgentDirectory(entries("http://10.9.9.9:7471,dns:agents.svc:7471"), (e) => seen.push(e), { lookup: dns.lookup });
    expect(dir.isResolved).toBe(false);
    await dir.start();
    expect(dir.isResolved).toBe(true);
    expect(seen).toEqual([
      [
        { url: "http://10.9.9.9:7471", source: "http://10.9.9.9:7471" },
        { url: "http://10.0.0.11:7471", source: "dns:agents.svc:7471" },
        { url: "http://10.0.0.12:7471", source: "dns:agents.svc:7471" },
        { url: "http://[fd00::5]:7471", source: "dns:agents.svc:7471" },
      ],
    ]);
    expect(dir.sources()).toEqual([
      { entry: "http://10.9.9.9:7471", kind: "static", addresses: ["http://10.9.9.9:7471"], resolvedAt: null },
      {
        entry: "dns:agents.svc:7471",
        kind: "dns",
        addresses: ["http://10.0.0.11:7471", "http://10.0.0.12:7471", "http://[fd00::5]:7471"],
        resolvedAt: expect.any(String),
      },
    ]);
    dir.close();
  });

  it("re-resolves every 15 s, reporting only changes: agents come, go, the name vanishes, the resolver fails", async () => {
    vi.useFakeTimers({ now: 0 });
    const dns = fakeDns();
    dns.answers.set("agents.svc", ["10.0.0.11"]);
    const seen: string[][] = [];
    const dir = new AgentDirectory(entries("dns:agents.svc:7471"), (e) => seen.push(e.map((x) => x.url)), { lookup: dns.lookup });
    await dir.start();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(dns.calls).toBe(2);
    expect(seen).toEqual([["http://10.0.0.11:7471"]]);

    dns.answers.set("agents.svc", ["10.0.0.11", "10.0.0.13"]);
    await vi.advanceTimersByTimeAsync(15_000);
    dns.answers.set("agents.svc", ["10.0.0.13"]);
    await vi.advanceTimersByTimeAsync(15_000);
    // The resolver down: keep following what it said last.
    dns.answers.set("agents.svc", "EAI_AGAIN");
    await vi.advanceTimersByTimeAsync(15_000);
    expect(dir.sources()[0]).toMatchObject({
      addresses: ["http://10.0.0.13:7471"],
      error: "looking up agents.svc failed (EAI_AGAIN); keeping the 1 address(es) it had",
    });
    // The name gone: no agents behind it.
    dns.answers.delete("agents.svc");
    await vi.advanceTimersByTimeAsync(15_000);
    expect(dir.sources()[0]).toMatchObject({ addresses: [], error: "agents.svc does not resolve (ENOTFOUND)" });
    dns.answers.set("agents.svc", []);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(dir.sources()[0]).toMatchObject({ addresses: [], error: "agents.svc has no A or AAAA record" });
    expect(seen).toEqual([["http://10.0.0.11:7471"], ["http://10.0.0.11:7471", "http://10.0.0.13:7471"], ["http://10.0.0.13:7471"], []]);
    dir.close();
  });

  it("is resolved even when the first lookup fails, and gives up on a lookup that hangs after 5 s", async () => {
    vi.useFakeTimers({ now: 0 });
    const seen: string[][] = [];
    const dir = new AgentDirectory(entries("dns:hangs.svc:7471,dns:nowhere.svc:1"), (e) => seen.push(e.map((x) => x.url)), {
      lookup: (name) => (name === "hangs.svc" ? new Promise<string[]>(() => undefined) : Promise.reject(Object.assign(new Error("x"), { code: "ENOTFOUND" }))),
    });
    const started = dir.start();
    await vi.advanceTimersByTimeAsync(5000);
    await started;
    expect(dir.isResolved).toBe(true);
    expect(seen).toEqual([[]]);
    expect(dir.sources().map((s) => s.error)).toEqual([
      "looking up hangs.svc failed (ETIMEOUT); keeping the 0 address(es) it had",
      "nowhere.svc does not resolve (ENOTFOUND)",
    ]);
    dir.close();
  });
});
