import { Suspense } from "react";
import { notFound } from "next/navigation";
import { NodeContainerView, NodeNetnsView, NodeOverviewView, NodePodView, NodeTopologyView } from "@/components/cluster/node-views";
import { decodeSegment } from "../decode-segment";

/**
 * `/n/<node>/…`: the single-node pages of one node, read through the hub (docs/dashboard.md, "Cluster pages"):
 * `/n/<node>`, `/n/<node>/topology`, `/n/<node>/netns/<id>`, `/n/<node>/pods/<ns>/<name>`, `/n/<node>/containers/<name>`.
 */
export default async function NodePage({ params }: { params: Promise<{ node: string; rest?: string[] }> }) {
  const { rest = [] } = await params;
  const parts = rest.map(decodeSegment);
  return <Suspense>{pageFor(parts)}</Suspense>;
}

function pageFor(parts: string[]) {
  const [page, a, b, ...more] = parts;
  if (more.length > 0) notFound();
  if (page === undefined) return <NodeOverviewView />;
  if (page === "topology" && a === undefined) return <NodeTopologyView />;
  if (page === "netns" && a !== undefined && b === undefined) return <NodeNetnsView id={a} />;
  if (page === "pods" && a !== undefined && b !== undefined) return <NodePodView namespace={a} name={b} />;
  if (page === "containers" && a !== undefined && b === undefined) return <NodeContainerView name={a} />;
  notFound();
}
