import { Suspense, type ReactNode } from "react";
import { NodeFrame } from "@/components/cluster/node-frame";
import { NodeScope } from "@/components/cluster/node-scope";
import { AtScope } from "@/components/url/at-scope";
import { decodeSegment } from "./decode-segment";

/** Every `/n/<node>/…` page: one node read through the hub, its cache its own (a new NodeScope per node), live or at `?at=`. */
export default async function NodeLayout({ children, params }: { children: ReactNode; params: Promise<{ node: string }> }) {
  const { node: raw } = await params;
  const node = decodeSegment(raw);
  return (
    <Suspense>
      <NodeScope key={node} node={node}>
        <AtScope>
          <NodeFrame>{children}</NodeFrame>
        </AtScope>
      </NodeScope>
    </Suspense>
  );
}
