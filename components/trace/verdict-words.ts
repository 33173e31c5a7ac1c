import { PASSING_VERDICTS, type TraceVerdict } from "@/server/contract/trace";
import type { BadgeTone } from "../ui/badge";

/** A verdict's badge: green when the packet gets there, amber when it gets there with a catch or nsatlas cannot tell, red when it is dropped. */
export function verdictTone(verdict: TraceVerdict): BadgeTone {
  if (PASSING_VERDICTS.includes(verdict)) return "good";
  if (verdict === "mtu" || verdict === "unknown" || verdict === "too-many-hops") return "warn";
  return "bad";
}

/** A verdict in a few words, for the badge. */
export const VERDICT_WORDS: Record<TraceVerdict, string> = {
  delivered: "delivered",
  "leaves-node": "leaves the node",
  "no-route": "no route",
  blackhole: "blackhole",
  unreachable: "unreachable",
  prohibit: "prohibited",
  "no-forward": "not forwarded",
  "rp-filter": "source rejected",
  "no-neighbour": "no neighbour",
  "link-down": "link down",
  mtu: "MTU too small",
  loop: "routing loop",
  "too-many-hops": "too many hops",
  unknown: "cannot tell",
};
