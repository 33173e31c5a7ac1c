import type { ClusterNode, NodeState } from "@/server/contract/cluster";
import type { BadgeTone } from "../ui/badge";

/** How each node state is shown: a badge tone, a graph colour and a sentence (docs/hub.md, "Node states"). */
export const NODE_STATE_VIEW: Record<NodeState, { tone: BadgeTone; label: string; colour: string; meaning: string }> = {
  up: { tone: "good", label: "up", colour: "#10b981", meaning: "its agent answers and its event stream is open" },
  connecting: { tone: "neutral", label: "connecting", colour: "#94a3b8", meaning: "asked, no answer yet" },
  stale: { tone: "warn", label: "stale", colour: "#f59e0b", meaning: "its event stream is open but silent for 30 s or more" },
  unreachable: { tone: "bad", label: "unreachable", colour: "#f43f5e", meaning: "its agent cannot be reached" },
  unauthorized: { tone: "bad", label: "unauthorized", colour: "#f43f5e", meaning: "its agent refuses the hub's token" },
  "version-mismatch": { tone: "warn", label: "version mismatch", colour: "#f59e0b", meaning: "its agent speaks another contract version" },
  error: { tone: "bad", label: "error", colour: "#f43f5e", meaning: "its agent answers outside the contract" },
};

/** "12 s ago", "3 min ago", "2 h ago", "never": how long ago an ISO time was, from `now`. */
export function ago(iso: string | null, now: number): string {
  if (iso === null) return "never";
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return "unknown";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** How many nodes are in each state, states with none left out, `up` first. */
export function stateCounts(nodes: readonly ClusterNode[]): Array<{ state: NodeState; count: number }> {
  const order: NodeState[] = ["up", "stale", "connecting", "unreachable", "unauthorized", "version-mismatch", "error"];
  return order.map((state) => ({ state, count: nodes.filter((n) => n.state === state).length })).filter((c) => c.count > 0);
}

/** The node a name stands for: the one up, else the one heard most recently (two agents may report one name). */
export function findNode(nodes: readonly ClusterNode[], name: string): ClusterNode | undefined {
  const same = nodes.filter((n) => n.name === name);
  return same.find((n) => n.state === "up") ?? [...same].sort((a, b) => (b.lastSeen ?? "").localeCompare(a.lastSeen ?? ""))[0];
}
