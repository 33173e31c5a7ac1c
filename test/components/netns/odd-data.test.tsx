/**
 * The pure views on data a real node can produce but the lab does not: an interface kind nobody
 * knows, a namespace with 200 interfaces, hostile names, a node with nothing on it. They must
 * render, escape, and never throw. Built from a snapshot recorded from the lab, then varied.
 */
import fs from "node:fs";
import path from "node:path";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { NetnsSections } from "../../../components/netns/netns-sections";
import { NetnsTable } from "../../../components/overview/netns-table";
import { OverviewHeader } from "../../../components/overview/overview-header";
import { nodeCounts, toRows } from "../../../components/overview/overview-model";
import { parseOverviewParams } from "../../../components/url/search-params";
import { snapshotSchema, type Netns, type Snapshot } from "../../../server/contract/snapshot";

const recorded = snapshotSchema.parse(
  JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../fixtures/snapshot/lab-snapshot.json"), "utf8")).snapshot,
);
const params = parseOverviewParams(new URLSearchParams());
const base = recorded.netns.find((n) => n.interfaces.some((i) => i.kind === "veth") && !n.isHost);
if (base === undefined) throw new Error("the recorded snapshot has no namespace with a veth");
const template = base.interfaces.find((i) => i.kind === "veth") ?? base.interfaces[0];
if (template === undefined) throw new Error("no interface");

const HOSTILE = `<img src=x onerror=alert(1)>\u0000\u001b[31m\u202e"'&`;

function renderAll(snapshot: Snapshot, netns: Netns): string {
  return (
    renderToStaticMarkup(<OverviewHeader snapshot={snapshot} counts={nodeCounts(snapshot)} />) +
    renderToStaticMarkup(<NetnsTable rows={toRows(snapshot)} params={params} onSort={() => {}} />) +
    renderToStaticMarkup(<NetnsSections netns={netns} snapshot={snapshot} />)
  );
}

describe("odd data", () => {
  it("renders an interface of a kind nobody knows", () => {
    const netns: Netns = { ...base, interfaces: [{ ...template, kind: "wireguard-ng-future", name: "wgx0", peer: undefined }] };
    expect(renderAll({ ...recorded, netns: [netns] }, netns)).toContain("wireguard-ng-future");
  });

  it("renders a namespace with 200 interfaces", () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ ...template, ifindex: 1000 + i, name: `veth${i}` }));
    const netns: Netns = { ...base, interfaces: many };
    const html = renderAll({ ...recorded, netns: [netns] }, netns);
    expect(html.match(/data-iface=/g)).toHaveLength(200);
  });

  it("escapes hostile names everywhere instead of injecting them", () => {
    const netns: Netns = {
      ...base,
      owners: [{ kind: "docker-container", runtime: "docker", id: "abc", name: HOSTILE, state: "running", image: HOSTILE }],
      interfaces: [{ ...template, name: HOSTILE, mac: HOSTILE, addresses: [{ family: "inet", address: HOSTILE, prefixLength: 24, scope: "universe" }] }],
      refs: [{ kind: "bind-mount", path: `/run/netns/${HOSTILE}` }],
      errors: [HOSTILE],
    };
    const html = renderAll({ ...recorded, node: { name: HOSTILE, hostname: HOSTILE, kernel: HOSTILE }, netns: [netns] }, netns);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img");
  });

  it("renders a peer that points at a namespace the snapshot does not have", () => {
    const netns: Netns = { ...base, interfaces: [{ ...template, peer: { netnsId: "999999", ifindex: 42 } }] };
    expect(renderAll({ ...recorded, netns: [netns] }, netns)).toContain("netns 999999");
  });

  it("renders an empty node: no namespaces, no engines", () => {
    const empty: Snapshot = { ...recorded, netns: [], runtimes: [] };
    const html =
      renderToStaticMarkup(<OverviewHeader snapshot={empty} counts={nodeCounts(empty)} />) +
      renderToStaticMarkup(<NetnsTable rows={[]} params={params} onSort={() => {}} />);
    expect(html).toContain("No container engine found");
    expect(html).toContain("No namespace matches");
  });
});
