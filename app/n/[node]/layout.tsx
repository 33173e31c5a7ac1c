import { Suspense, type ReactNode } from "react";
import { NodeFrame } from "@/components/cluster/node-frame";
import { NodeScope } from "@/components/cluster/node-scope";
import { decodeSegment } from "./decode-segment";

/** Every `/n/<node>/…` page: one node read through the hub, its cache its own (a new NodeScope per node). */
export default async function NodeLayout({ children, params }: { children: ReactNode; params: Promise<{ node: string }> }) {
  const { node: raw } = await params;
  const node = decodeSegment(raw);
  return (
    <NodeScope key={node} node={node}>
      <Suspense>
        <NodeFrame>{children}</NodeFrame>
      </Suspense>
    </NodeScope>
  );
}
