/**
 * The path trace in the browser, on namespaces this file builds (prefix t19tr-e, removed afterwards
 * even on failure): h1 on a bridge with a router r that forwards to far.
 *   t19tr-e-h1 (10.189.1.1) ─ br0 in t19tr-e-br ─ t19tr-e-r (10.189.1.254 | 10.189.2.1) ─ t19tr-e-far (10.189.2.2)
 * A trace asked from the form lands in the URL; the URL alone opens it again; the hops link to their
 * namespaces; a dropped packet and a malformed address read as such. Screenshots in test/e2e/artifacts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { run, tryRun } from "../lab/sh";
import { addVeth } from "../integration/helpers/iproute";
import { artifact, launchBrowser } from "./helpers/browser";
import { startDashboard, type DashboardServer } from "./helpers/dashboard-server";

const [BR, H1, R, FAR] = ["t19tr-e-br", "t19tr-e-h1", "t19tr-e-r", "t19tr-e-far"] as const;
const made: string[] = [];
const ip = (...args: string[]) => run("ip", args);
const inode = (ns: string) => run("stat", ["-L", "-c", "%i", `/run/netns/${ns}`]).trim();

function build(): void {
  for (const ns of [BR, H1, R, FAR]) {
    ip("netns", "add", ns);
    made.push(ns);
    ip("-n", ns, "link", "set", "lo", "up");
    run("ip", ["netns", "exec", ns, "sysctl", "-qw", `net.ipv4.ip_forward=${ns === R ? 1 : 0}`]);
  }
  ip("-n", BR, "link", "add", "br0", "type", "bridge");
  ip("-n", BR, "link", "set", "br0", "up");
  addVeth(BR, "p1", undefined, H1, "eth0", "10.189.1.1/24");
  addVeth(BR, "pr", undefined, R, "eth0", "10.189.1.254/24");
  ip("-n", BR, "link", "set", "p1", "master", "br0");
  ip("-n", BR, "link", "set", "pr", "master", "br0");
  addVeth(R, "eth1", "10.189.2.1/24", FAR, "eth0", "10.189.2.2/24");
  ip("-n", H1, "route", "add", "default", "via", "10.189.1.254");
  ip("-n", FAR, "route", "add", "default", "via", "10.189.2.1");
}

/** br0's ifindex in the bridge namespace. */
function bridgeIfindex(): string {
  return run("ip", ["-n", BR, "-o", "link", "show", "br0"]).split(":")[0]?.trim() ?? "";
}

function teardown(): void {
  for (const ns of made.splice(0).reverse()) tryRun("ip", ["netns", "del", ns]);
}

let server: DashboardServer;
let browser: Browser;
let h1 = "";

beforeAll(async () => {
  for (const ns of [BR, H1, R, FAR]) tryRun("ip", ["netns", "del", ns]);
  try {
    build();
  } catch (err) {
    teardown();
    throw err;
  }
  h1 = inode(H1);
  server = await startDashboard({ NSATLAS_SNAPSHOT_TTL_MS: "0" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  teardown();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1100 } });
  return context.newPage();
}

describe("path trace on a namespace's page", () => {
  let shared = "";

  it("traces from the form, puts the trace in the URL and shows each hop", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/netns/${h1}`);
    const panel = page.getByTestId("trace");
    await panel.getByLabel("Destination address").fill("10.189.2.2");
    await panel.getByLabel("Protocol").selectOption("tcp");
    await panel.getByLabel("Destination port").fill("443");
    await panel.getByTestId("trace-run").click();
    await page.waitForURL(/[?&]trace=10\.189\.2\.2/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ trace: "10.189.2.2", proto: "tcp", dport: "443" });
    const result = page.getByTestId("trace-result");
    await result.waitFor();
    expect(await result.getAttribute("data-verdict")).toBe("delivered");
    expect(await page.getByTestId("trace-verdict").innerText()).toBe("delivered");
    expect(await page.getByTestId("trace-hop-netns").allInnerTexts()).toEqual([H1, BR, R, FAR]);
    expect(await page.getByTestId("trace-hop").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")))).toEqual([
      "route",
      "bridge",
      "route",
      "route",
    ]);
    expect(await page.getByTestId("trace-hop-route").nth(2).innerText()).toContain("10.189.2.0/24 dev eth1");
    expect(await page.getByTestId("trace-netfilter").innerText()).toContain("not evaluated");
    await result.scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifact("trace-delivered.png"), fullPage: true });
    shared = page.url();
    await page.context().close();
  });

  it("opens the same trace from the link alone, and its hops lead to their namespaces", async () => {
    const page = await newPage();
    await page.goto(shared);
    await page.getByTestId("trace-result").waitFor();
    expect(await page.getByLabel("Destination address").inputValue()).toBe("10.189.2.2");
    expect(await page.getByTestId("trace-hop-netns").allInnerTexts()).toEqual([H1, BR, R, FAR]);
    await page.getByTestId("trace-hop-netns").nth(2).click();
    await page.waitForURL(new RegExp(`/netns/${inode(R)}`));
    await page.getByTestId("trace").waitFor();
    await page.context().close();
  });

  it("draws the path on the topology: its namespaces, its bridge and the wires between them lit, the rest not", async () => {
    const page = await newPage();
    await page.goto(shared);
    await page.getByTestId("trace-on-topology").click();
    await page.waitForURL(/\/topology\?/);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ from: h1, trace: "10.189.2.2", proto: "tcp", dport: "443" });
    const banner = page.getByTestId("topology-trace");
    await page.waitForSelector('[data-testid=topology-trace][data-verdict="delivered"]');
    expect(await banner.innerText()).toContain("10.189.2.2");
    await page.waitForSelector('[data-testid=topology-canvas][data-laid-out="true"]');
    const lit = await page.locator("[data-on-path=true]").evaluateAll((els) => els.map((e) => e.getAttribute("data-topo-node")));
    expect(lit.length).toBeGreaterThan(0);
    // Every namespace that routes on the way, and the bridge in BR: the hops, as the trace page listed them.
    expect(lit.sort()).toEqual([`netns:${h1}`, `netns:${inode(R)}`, `netns:${inode(FAR)}`, `bridge:${inode(BR)}:${bridgeIfindex()}`].sort());
    expect(await page.locator(".react-flow__edge.on-path").count()).toBe(3);
    expect(await page.locator(".react-flow__edge").count()).toBeGreaterThan(3);
    await page.locator(`[data-topo-node="netns:${h1}"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifact("trace-on-topology.png") });
    await banner.getByRole("button", { name: "clear the path" }).click();
    await page.waitForFunction(() => document.querySelectorAll("[data-on-path=true]").length === 0);
    expect(new URL(page.url()).searchParams.get("trace")).toBeNull();
    await page.context().close();
  });

  it("shows a dropped packet as such, in dark mode too", async () => {
    const page = await newPage();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${server.url}/netns/${h1}?trace=10.189.9.9`);
    const result = page.getByTestId("trace-result");
    await result.waitFor();
    expect(await result.getAttribute("data-verdict")).toBe("no-route");
    expect(await page.getByTestId("trace-detail").innerText()).toBe(`${R} has no route to 10.189.9.9 (it came in by eth0)`);
    await page.screenshot({ path: artifact("trace-no-route-dark.png"), fullPage: true });
    await page.context().close();
  });

  it("says what is wrong with a malformed address, without asking the server", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/netns/${h1}`);
    const panel = page.getByTestId("trace");
    await panel.getByLabel("Destination address").fill("10.0.0.300");
    await panel.getByTestId("trace-run").click();
    expect(await page.getByTestId("trace-form-error").innerText()).toContain("IPv4 or IPv6");
    expect(new URL(page.url()).searchParams.get("trace")).toBeNull();
    await page.context().close();
  });
});
