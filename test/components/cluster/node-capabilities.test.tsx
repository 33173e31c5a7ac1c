/**
 * The node pages' capabilities (components/cluster/node-scope.tsx): the trace panel, the capture controls and the
 * history bar read `useNodeScope()?.capabilities` and hide themselves when their flag is off, without asking anything;
 * on a hub's node page the trace panel is there and its topology link stays under /n/<node>/. Static renders.
 */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { CapturePanel } from "../../../components/capture/capture-panel";
import { HUB_NODE_CAPABILITIES, NodeScope, type NodeCapabilities } from "../../../components/cluster/node-scope";
import { HistoryBar } from "../../../components/history/history-bar";
import { TracePanel } from "../../../components/trace/trace-panel";
import { parseLiveParams } from "../../../components/url/search-params";

vi.mock("next/navigation", () => ({
  useSearchParams: () => new URLSearchParams(),
  useRouter: () => ({ replace: () => undefined }),
  usePathname: () => "/n/node-1/netns/4026532178",
}));

const ALL_OFF: NodeCapabilities = { history: false, diff: false, expose: false, events: false, trace: false, capture: false };

describe("capabilities of a node page", () => {
  it("hides the trace panel, the capture controls and the history bar when their flags are off", () => {
    const html = renderToStaticMarkup(
      <NodeScope node="node-1" capabilities={ALL_OFF}>
        <TracePanel from="4026532178" />
        <CapturePanel title="Packet capture" targets={[{ key: "pod", label: "Capture pod a/b", body: { pod: "a/b" } }]} testId="pod-capture" />
        <HistoryBar live={parseLiveParams(new URLSearchParams())} onChange={() => undefined} />
      </NodeScope>,
    );
    expect(html).toBe("");
  });

  it("shows the trace panel through the hub, its topology link under /n/<node>/", () => {
    expect([HUB_NODE_CAPABILITIES.trace, HUB_NODE_CAPABILITIES.capture]).toEqual([true, true]);
    const html = renderToStaticMarkup(
      <NodeScope node="node 1">
        <TracePanel from="4026532178" />
      </NodeScope>,
    );
    expect(html).toContain('data-testid="trace"');
    expect(html).toContain('href="/n/node%201/topology?focus=netns%3A4026532178"');
  });
});
