import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { HealthPanel } from "../../../components/health/health-panel";
import type { Health } from "../../../server/contract/health";
import { ENGINE_STATE_LABELS, ENGINE_STATES, makeRuntimeStatus } from "../../../server/contract/runtime-status";

const base: Health = {
  version: "0.1.0",
  startedAt: "2026-11-29T08:00:00.000Z",
  uptimeMs: 65_000,
  node: { name: "node-7", hostname: "node-7", kernel: "6.18.44" },
  runtimes: [],
  agent: {
    scans: 3,
    rssBytes: 120 * 1024 * 1024,
    heapUsedBytes: 40 * 1024 * 1024,
    openFds: 31,
    missingCapabilities: [],
    changeWatch: { isOn: true, lastScan: { readInFull: 3, countersOnly: 265 } },
  },
};

describe("HealthPanel", () => {
  it("says which capabilities are missing and what stops working", () => {
    const html = renderToStaticMarkup(
      <HealthPanel
        health={{
          ...base,
          agent: { ...base.agent, missingCapabilities: [{ name: "CAP_SYS_PTRACE", degrades: "namespaces held only by a process are not found" }] },
        }}
      />,
    );
    expect(html).toContain("CAP_SYS_PTRACE");
    expect(html).toContain("namespaces held only by a process are not found");
    expect(renderToStaticMarkup(<HealthPanel health={base} />)).not.toContain("capabilit");
  });

  it("says whether scans skip unchanged namespaces, and why not", () => {
    expect(renderToStaticMarkup(<HealthPanel health={base} />)).toContain("on: last scan read 3 in full, 265 counters only");
    const off = renderToStaticMarkup(
      <HealthPanel
        health={{ ...base, agent: { ...base.agent, changeWatch: { isOn: false, reason: "listening to every namespace needs CAP_NET_BROADCAST" } } }}
      />,
    );
    expect(off).toContain("off: listening to every namespace needs CAP_NET_BROADCAST (every scan reads every namespace in full)");
  });

  it("shows the node and every engine with its status", () => {
    const html = renderToStaticMarkup(
      <HealthPanel
        health={{
          ...base,
          runtimes: [
            makeRuntimeStatus({ name: "docker", endpoint: "/var/run/docker.sock", state: "ok", version: "20.10.24", latencyMs: 3.2 }),
            makeRuntimeStatus({ name: "podman", endpoint: "/run/podman/podman.sock", state: "absent", detail: "ENOENT", latencyMs: 0.4 }),
          ],
        }}
      />,
    );
    expect(html).toContain("node-7");
    expect(html).toContain("6.18.44");
    expect(html).toContain("1 min 5 s");
    expect(html).toContain('data-engine="docker" data-status="ok"');
    expect(html).toContain("20.10.24");
    expect(html).toContain('data-engine="podman" data-status="absent" data-state="absent"');
    expect(html).toContain("no socket");
    expect(html).toContain("no API socket at /run/podman/podman.sock. What to do: start podman.socket");
    expect(html).toContain("<code>ENOENT</code>");
    expect(html).not.toContain('role="alert"');
  });

  it("raises an alert naming an engine that does not answer: label, what happened, what to do, and the cause's code", () => {
    const html = renderToStaticMarkup(
      <HealthPanel
        health={{
          ...base,
          runtimes: [
            makeRuntimeStatus({
              name: "docker",
              endpoint: "/var/run/docker.sock",
              state: "timeout",
              detail: "deadline 2000 ms",
              timeoutMs: 2000,
              latencyMs: 2000,
            }),
          ],
        }}
      />,
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain("not answering");
    expect(html).toContain("no answer from /var/run/docker.sock within 2000 ms");
    expect(html).toContain("What to do:</span> docker is hung or overloaded: check its logs, or raise NSATLAS_ENGINE_TIMEOUT_MS.");
    expect(html).toContain("<code>deadline 2000 ms</code>");
  });

  it.each(ENGINE_STATES.filter((s) => s !== "ok" && s !== "absent"))("raises an alert for a %s engine, with its label", (state) => {
    const runtime = makeRuntimeStatus({ name: "podman", endpoint: "/run/podman/podman.sock", state, latencyMs: 1 });
    const html = renderToStaticMarkup(<HealthPanel health={{ ...base, runtimes: [runtime] }} />);
    expect(html).toContain('role="alert"');
    expect(html).toContain(`data-engine-state="${state}"`);
    expect(html).toContain(ENGINE_STATE_LABELS[state]);
    expect(html).toContain("What to do:");
  });

  it("explains the no-engine node instead of showing an empty page", () => {
    const html = renderToStaticMarkup(<HealthPanel health={{ ...base, runtimes: [] }} />);
    expect(html).toContain("No container engine found");
  });

  it("escapes hostile names rather than injecting them", () => {
    const html = renderToStaticMarkup(
      <HealthPanel health={{ ...base, node: { name: "<img src=x onerror=alert(1)>", hostname: "<img src=x onerror=alert(1)>", kernel: "k" } }} />,
    );
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img");
  });
});
