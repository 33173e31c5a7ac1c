/**
 * Frozen cluster snapshots in the hub's pages (components/cluster/cluster-snapshots.tsx, node-scope.tsx, url/routes.ts):
 * the frozen view of a record whose nodes are the simulated cluster's recorded overviews, node pages at `?at=` with
 * trace and capture off and every link kept in the snapshot, and the same pages live as before. Static renders.
 */
import fs from "node:fs";
import path from "node:path";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { CapturePanel } from "../../../components/capture/capture-panel";
import { FrozenCluster } from "../../../components/cluster/cluster-snapshots";
import { NodeScope, useNodeScope } from "../../../components/cluster/node-scope";
import { TracePanel } from "../../../components/trace/trace-panel";
import { AtScope, useHrefs } from "../../../components/url/at-scope";
import { frozenClusterHref, nodeHrefs } from "../../../components/url/routes";
import { clusterSnapshotSchema } from "../../../server/contract/cluster";
import { snapshotOverviewSchema } from "../../../server/contract/snapshot";

const AT = "1796000000000-0a1b2c3d";
let query = "";

vi.mock("next/navigation", () => ({
  useSearchParams: () => new URLSearchParams(query),
  useRouter: () => ({ replace: () => undefined, push: () => undefined }),
  usePathname: () => "/n/node-1",
}));

afterEach(() => {
  query = "";
});

const overviews = z
  .object({ overviews: z.array(snapshotOverviewSchema) })
  .parse(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../server/hub/fixtures/cluster-overviews.json"), "utf8"))).overviews;

/** A record as POST /api/v1/cluster/snapshots answers it: the recorded nodes read, the last one missing. */
function recordOf() {
  const read = overviews.slice(0, -1);
  const last = overviews.at(-1);
  if (last === undefined || read.length === 0) throw new Error("the fixture has too few overviews");
  return clusterSnapshotSchema.parse({
    id: AT,
    takenAt: "2026-12-05T03:00:00.000Z",
    who: "http session 10.250.0.2 (e2e)",
    nodes: read.map((o) => ({ name: o.node.name, snapshotId: o.id, netnsCount: o.netns.length })),
    missing: [{ name: last.node.name, reason: "unreachable: connection refused (ECONNREFUSED)" }],
    partial: true,
  });
}

function Probe() {
  const hrefs = useHrefs();
  const scope = useNodeScope();
  return (
    <p data-at={scope?.at ?? "live"}>
      {hrefs.overview()} {hrefs.netns("4026532178", 3)} {hrefs.pod("shop", "web-0")} {hrefs.container("app")} {hrefs.topology("netns:1")}
    </p>
  );
}

function renderNodePage(children: React.ReactNode): string {
  return renderToStaticMarkup(
    <QueryClientProvider client={new QueryClient()}>
      <NodeScope node="node-1">
        <AtScope>{children}</AtScope>
      </NodeScope>
    </QueryClientProvider>,
  );
}

describe("a frozen cluster snapshot's page", () => {
  it("lists each node read with its namespace count and a link into its frozen pages, and the missing nodes with why", () => {
    const record = recordOf();
    const html = renderToStaticMarkup(<FrozenCluster record={record} />);
    expect(record.nodes.length).toBeGreaterThan(0);
    for (const n of record.nodes) {
      expect(html).toContain(`data-node="${n.name}"`);
      expect(html).toContain(`href="/n/${encodeURIComponent(n.name)}?at=${AT}"`);
      expect(html).toContain(`>${n.netnsCount}<`);
    }
    const missing = record.missing[0];
    expect(missing).toBeDefined();
    expect(html).toContain(`${missing?.name}</span>: <span class="font-mono text-xs break-words">${missing?.reason}`);
    expect(html).toContain(record.who);
    expect(html).toContain(`data-testid="go-live" href="/cluster"`);
  });
});

describe("a node page at a frozen cluster snapshot", () => {
  it("keeps every link in the snapshot and turns trace and capture off", () => {
    query = `at=${AT}&q=web`;
    const html = renderNodePage(
      <>
        <Probe />
        <TracePanel from="4026532178" />
        <CapturePanel title="Packet capture" targets={[{ key: "pod", label: "Capture pod a/b", body: { pod: "a/b" } }]} testId="pod-capture" />
      </>,
    );
    expect(html).toContain(`data-at="${AT}"`);
    expect(html).toContain(
      [
        `/n/node-1?at=${AT}`,
        `/n/node-1/netns/4026532178?at=${AT}#if-3`,
        `/n/node-1/pods/shop/web-0?at=${AT}`,
        `/n/node-1/containers/app?at=${AT}`,
        `/n/node-1/topology?focus=netns%3A1&amp;at=${AT}`,
      ].join(" "),
    );
    expect(html).not.toContain('data-testid="trace"');
    expect(html).not.toContain('data-testid="pod-capture"');
  });

  it("is live without `at`: links without it, trace there", () => {
    const html = renderNodePage(
      <>
        <Probe />
        <TracePanel from="4026532178" />
      </>,
    );
    expect(html).toContain('data-at="live"');
    expect(html).not.toMatch(/[?&;]at=/);
    expect(html).toContain('data-testid="trace"');
  });

  it("percent-encodes odd node names and snapshot ids in the frozen links", () => {
    expect(nodeHrefs("a/b c", "x y").pod("ns", "p")).toBe("/n/a%2Fb%20c/pods/ns/p?at=x%20y");
    expect(frozenClusterHref(AT)).toBe(`/cluster?at=${AT}`);
  });
});
