import type { NodeState } from "@/server/contract/cluster";
import { Badge } from "../ui/badge";
import { NODE_STATE_VIEW } from "./node-state";

export function NodeStateBadge({ state }: { state: NodeState }) {
  const view = NODE_STATE_VIEW[state];
  return (
    <span title={view.meaning} data-state={state}>
      <Badge tone={view.tone}>{view.label}</Badge>
    </span>
  );
}
