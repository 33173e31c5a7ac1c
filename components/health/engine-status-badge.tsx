import { ENGINE_STATE_LABELS, type EngineState } from "@/server/contract/runtime-status";
import { Badge, type BadgeTone } from "../ui/badge";

const TONE: Record<EngineState, BadgeTone> = {
  ok: "good",
  absent: "neutral",
  stopped: "bad",
  refused: "bad",
  timeout: "bad",
  dropped: "bad",
  incompatible: "bad",
  error: "bad",
};

/** Whether a state is worth a banner: the engine is there (or was) and fails. absent is how a node without it looks. */
export function isEngineDown(state: EngineState): boolean {
  return state !== "ok" && state !== "absent";
}

export function EngineStatusBadge({ state }: { state: EngineState }) {
  return <Badge tone={TONE[state]}>{ENGINE_STATE_LABELS[state]}</Badge>;
}
