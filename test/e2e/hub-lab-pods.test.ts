/**
 * The hub's node pages over a node with real pods: a hub (NSATLAS_AGENTS) in front of `nsatlas agent` on this machine, which
 * reads the lab's engines. The simulated cluster's nodes run no engine, so this is where a pod page, a container page and
 * the pod's trace and capture controls are seen through the hub: a containerd CRI pod, a dockershim pod and a container.
 */
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPcapng } from "../../server/capture/pcapng-reader";
import { startAgent, type AgentProcess } from "../integration/helpers/agent-process";
import { labEnv } from "../lab/lab-env";
import { labConfig, manifestPath } from "../lab/lab-config";
import { readManifest, type LabManifest } from "../lab/manifest";
import { artifact, launchBrowser } from "./helpers/browser";
import { startDashboard, type DashboardServer } from "./helpers/dashboard-server";

const NODE = "lab node/1";
let manifest: LabManifest;
let agent: AgentProcess | undefined;
let hub: DashboardServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  manifest = readManifest(manifestPath(labConfig()));
  agent = await startAgent({ ...labEnv(manifest), NSATLAS_NODE_NAME: NODE, NSATLAS_CAPTURE: "1" });
  hub = await startDashboard({ NSATLAS_AGENTS: agent.url });
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await agent?.stop();
});

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not set up (did beforeAll fail?)`);
  return value;
}

async function open(path: string): Promise<Page> {
  const context = await must(browser, "the browser").newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${must(hub, "the hub").url}${path}`);
  return page;
}

/** The lab's pods, as its manifest made them: the test's expectations. */
function pods(runtime: string): Array<{ namespace: string; name: string; inode: string; containers: string[] }> {
  return manifest.netns.flatMap((n) =>
    n.owner.kind === "kubernetes-pod" && n.owner.runtime === runtime
      ? [{ namespace: n.owner.namespace, name: n.owner.name, inode: n.inode, containers: n.owner.containers }]
      : [],
  );
}

describe("pod and container pages through a hub", () => {
  it("open a CRI pod and a dockershim pod of the node by their stable links, with their namespace, trace and capture", async () => {
    const node = encodeURIComponent(NODE);
    const chosen = [pods("containerd-cri")[0], pods("docker")[0]];
    expect(chosen.every((p) => p !== undefined)).toBe(true);
    for (const pod of chosen) {
      if (pod === undefined) continue;
      const page = await open(`/n/${node}/pods/${pod.namespace}/${pod.name}`);
      await page.getByText(`${pod.namespace}/${pod.name}`).first().waitFor();
      const netnsLinks = await page.locator(`a[href^="/n/${node}/netns/"]`).evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
      expect(netnsLinks.length).toBeGreaterThan(0);
      expect(netnsLinks.some((href) => href.startsWith(`/n/${node}/netns/${pod.inode}`))).toBe(true);
      expect(pod.containers.length).toBeGreaterThan(0);
      await page.getByTestId("trace").waitFor();
      await page.getByTestId("pod-capture").waitFor();
      await page.screenshot({ path: artifact(`hub-pod-${pod.namespace}.png`), fullPage: true });
      await page.context().close();
    }
  });

  it("captures a whole CRI pod through the hub into one pcapng, one interface block per interface of the pod", async () => {
    const node = encodeURIComponent(NODE);
    const pod = pods("containerd-cri")[0];
    if (pod === undefined) throw new Error("the lab has no CRI pod");
    const expected = manifest.netns.find((n) => n.inode === pod.inode)?.interfaces.map((i) => i.name) ?? [];
    expect(expected.length).toBeGreaterThan(0);
    const page = await open(`/n/${node}/pods/${pod.namespace}/${pod.name}`);
    const capture = page.getByTestId("pod-capture");
    await capture.getByLabel("Capture seconds").fill("1");
    const download = page.waitForEvent("download", { timeout: 30_000 });
    await capture.getByRole("button", { name: `Capture pod ${pod.namespace}/${pod.name}` }).click();
    const state = page.getByTestId("pod-capture-state");
    await expect.poll(() => state.innerText(), { timeout: 30_000 }).toMatch(/saved|failed|refused|error/i);
    expect(await state.innerText()).toMatch(/: saved \S+\.pcapng/);
    const file = readPcapng(fs.readFileSync(must(await (await download).path(), "the downloaded file")));
    const names = file.interfaces.map((i) => i.name ?? "");
    expect(names.length).toBeGreaterThan(0);
    for (const iface of expected)
      expect(
        names.some((n) => n.endsWith(`/${iface}`)),
        `${iface} in ${names.join(", ")}`,
      ).toBe(true);
    await page.context().close();
  });

  it("open a container by name, and say a pod that is not there is not there", async () => {
    const node = encodeURIComponent(NODE);
    const container = manifest.netns.find((n) => n.owner.kind === "docker-container" && n.interfaces.length > 0);
    if (container?.owner.kind !== "docker-container") throw new Error("the lab has no docker container with interfaces");
    const name = container.owner.names[0] ?? "";
    const page = await open(`/n/${node}/containers/${name}`);
    await page.locator(`a[href^="/n/${node}/netns/${container.inode}"]`).first().waitFor();
    await page.context().close();
    const missing = await open(`/n/${node}/pods/nslab-none/not-there-0`);
    await missing
      .getByText(/not-there-0/)
      .first()
      .waitFor();
    expect(await missing.locator("[role=alert]").count()).toBeGreaterThan(0);
    await missing.context().close();
  });
});
