import type { RuntimeStatus } from "@/server/contract/runtime-status";
import { Badge, type BadgeTone } from "../ui/badge";

const TONE: Record<RuntimeStatus["status"], BadgeTone> = { ok: "good", absent: "neutral", unreachable: "bad", error: "bad" };
const LABEL: Record<RuntimeStatus["status"], string> = { ok: "answering", absent: "not installed", unreachable: "not answering", error: "error" };

export function EngineStatusBadge({ status }: { status: RuntimeStatus["status"] }) {
  return <Badge tone={TONE[status]}>{LABEL[status]}</Badge>;
}
