/** What users do: search for a pod, open it, follow its veth to the host bridge, share the link. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { labEnv } from "../lab/lab-env";
import type { LabNetns } from "../lab/manifest";
import { artifact } from "./helpers/browser";
import { startDashboard } from "./helpers/dashboard-server";
import { silentSocket } from "../integration/helpers/silent-socket";
import { SocketProxy } from "../integration/helpers/socket-proxy";
import { labDashboardSuite } from "./helpers/lab-dashboard";
import { DetailPage } from "./pages/detail-page";
import { OverviewPage } from "./pages/overview-page";

const suite = labDashboardSuite();

/** The lab's first dockershim pod, with its owner narrowed. */
function labPod(): LabNetns & { owner: Extract<LabNetns["owner"], { kind: "kubernetes-pod" }> } {
  const found = suite.manifest().netns.find((n) => n.owner.kind === "kubernetes-pod" && n.owner.runtime === "docker");
  if (found === undefined || found.owner.kind !== "kubernetes-pod") throw new Error("no dockershim pod in the lab");
  return { ...found, owner: found.owner };
}

describe("from the overview to the host bridge", () => {
  it("finds a pod by search, shows its interfaces and addresses, and follows its veth to the host bridge", async () => {
    const pod = labPod();
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await suite.browser().newContext({ colorScheme, viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      const overview = new OverviewPage(page);
      await overview.open(suite.server().url);
      await overview.search(pod.owner.name);
      await page.waitForURL(/q=/);
      await expect.poll(() => overview.rowIds()).toEqual([pod.inode]);

      await page
        .getByRole("link", { name: new RegExp(`${pod.owner.namespace}/${pod.owner.name}`) })
        .first()
        .click();
      await page.waitForURL(`**/pods/${pod.owner.namespace}/${pod.owner.name}`);
      const detail = new DetailPage(page);
      expect(pod.interfaces.length).toBeGreaterThan(0);
      for (const want of pod.interfaces) expect(await detail.addressesOf(want.name)).toEqual(expect.arrayContaining(want.addresses));
      expect(await page.getByTestId("containers").innerText()).toContain("sidecar");
      await page
        .getByTestId("listeners")
        .getByText(/Nothing listens here|tcp|udp/)
        .first()
        .waitFor();
      await page.screenshot({ path: artifact(`pod-${colorScheme}.png`), fullPage: true });

      const eth0 = pod.interfaces[0];
      if (eth0?.peer?.master === undefined) throw new Error("the lab pod's eth0 has no bridge");
      expect(await detail.leadsTo(eth0.name).innerText()).toContain("the host");
      await detail.leadsTo(eth0.name).click();
      await page.waitForURL(new RegExp(`/netns/${suite.manifest().hostInode}#if-\\d+$`));
      const hostEnd = page.locator('tr[data-focused="true"]');
      await hostEnd.waitFor();
      expect(await hostEnd.innerText()).toContain(`port of ${eth0.peer.master}`);
      await page.screenshot({ path: artifact(`host-netns-${colorScheme}.png`), fullPage: true });
      await context.close();
    }
  });
});

describe("links a colleague can open", () => {
  it("keeps search, filters and sort in the URL: the view survives a reload and opens the same in a new browser", async () => {
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const overview = new OverviewPage(page);
    await overview.open(suite.server().url);
    await overview.toggleFilter("pods");
    await page.waitForURL(/kind=kubernetes-pod/);
    await overview.search(suite.manifest().prefix);
    await page.waitForURL(/q=/);
    const expected = suite
      .manifest()
      .netns.filter((n) => n.owner.kind === "kubernetes-pod")
      .map((n) => n.inode)
      .sort();
    await expect.poll(async () => (await overview.rowIds()).sort()).toEqual(expected);

    await page.reload();
    await overview.rows().first().waitFor();
    expect((await overview.rowIds()).sort()).toEqual(expected);

    const link = page.url();
    const other = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const fresh = new OverviewPage(await other.newPage());
    await fresh.page.goto(link);
    await fresh.rows().first().waitFor();
    expect((await fresh.rowIds()).sort()).toEqual(expected);
    expect(await fresh.page.getByRole("searchbox", { name: "Search namespaces" }).inputValue()).toBe(suite.manifest().prefix);
    await other.close();
    await context.close();
  });

  it("says when a linked pod is gone and offers the closest one; says when a linked namespace is gone", async () => {
    const pod = labPod();
    const context = await suite.browser().newContext();
    const page = await context.newPage();
    const detail = new DetailPage(page);
    await page.goto(`${suite.server().url}/pods/${pod.owner.namespace}/${pod.owner.name}x`);
    await detail.notFound().waitFor();
    expect(await detail.notFound().innerText()).toContain(`${pod.owner.namespace}/${pod.owner.name}`);
    await page.goto(`${suite.server().url}/netns/12345`);
    await detail.notFound().waitFor();
    expect(await detail.notFound().innerText()).toContain("is gone");
    await context.close();
  });
});

describe("an engine that stops", () => {
  it("raises a banner when Docker goes away while the dashboard is open (its socket disappears, as when dockerd stops)", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-e2e-"));
    const socket = path.join(tmp, "docker.sock");
    // The dashboard reaches the lab's Docker through a proxy socket: stopping it is, to the agent,
    // exactly dockerd stopping, without stopping the daemon that runs the lab.
    const proxy = new SocketProxy(socket, suite.manifest().engines.docker.socket);
    await proxy.start();
    const stopDocker = () => proxy.stop();
    const watched = await startDashboard({
      ...labEnv(suite.manifest()),
      NSATLAS_DOCKER_SOCKET: socket,
      NSATLAS_ENGINE_REFRESH_MS: "0",
      NSATLAS_SNAPSHOT_TTL_MS: "500",
    });
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      const overview = new OverviewPage(page);
      await overview.open(watched.url, "?every=1");
      await expect.poll(() => overview.engineStatus("docker")).toBe("ok");
      expect(await page.getByTestId("engine-banner").count()).toBe(0);
      stopDocker();
      const banner = page.getByTestId("engine-banner");
      await banner.waitFor({ timeout: 20_000 });
      expect(await banner.innerText()).toContain("docker");
      expect(await banner.innerText()).toContain("stopped");
      expect(await overview.rowIds()).toEqual(expect.arrayContaining(suite.manifest().netns.map((n) => n.inode)));
      await page.screenshot({ path: artifact("overview-docker-stopped.png"), fullPage: true });
    } finally {
      await context.close();
      await watched.stop();
      stopDocker();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe("an engine that stops answering", () => {
  it("shows a banner naming it, and the overview still lists every namespace", async () => {
    const engine = await silentSocket();
    const degraded = await startDashboard({ ...labEnv(suite.manifest()), NSATLAS_DOCKER_SOCKET: engine.path, NSATLAS_ENGINE_TIMEOUT_MS: "500" });
    const context = await suite.browser().newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      const overview = new OverviewPage(page);
      await overview.open(degraded.url);
      // On a busy 2-core machine the other engines may miss a 500 ms deadline too: look at docker's banner.
      const banner = page.getByTestId("engine-banner").filter({ hasText: "docker" });
      await banner.waitFor();
      expect(await banner.innerText()).toContain("docker");
      expect(await banner.innerText()).toContain("not answering");
      expect(await overview.rowIds()).toEqual(expect.arrayContaining(suite.manifest().netns.map((n) => n.inode)));
      await page.screenshot({ path: artifact("overview-engine-down.png"), fullPage: true });
    } finally {
      await context.close();
      await degraded.stop();
      await engine.close();
    }
  });
});
