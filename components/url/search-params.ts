import { z } from "zod";
import { NETNS_KINDS } from "@/server/contract/display";
import { snapshotIdSchema } from "@/server/contract/history";

const SORT_KEYS = ["owner", "id", "interfaces", "addresses"] as const;

const list = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? "").split(",").filter((v): v is T => (values as readonly string[]).includes(v)));

/** The overview's view state, all of it in the URL so a pasted link opens the same view. */
const overviewParamsSchema = z.object({
  q: z.string().max(200).optional().default(""),
  kind: list(NETNS_KINDS),
  engine: z
    .string()
    .optional()
    .transform((s) => (s ?? "").split(",").filter((v) => /^[a-z-]{1,20}$/.test(v))),
  k8sns: z
    .string()
    .optional()
    .transform((s) => (s ?? "").split(",").filter((v) => /^[a-z0-9-]{1,63}$/.test(v))),
  sort: z.enum(SORT_KEYS).optional().catch(undefined).default("owner"),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined).default("asc"),
  /** "all" renders every matching row; by default the first ROW_LIMIT. */
  rows: z.enum(["all"]).optional().catch(undefined),
});
export type OverviewParams = z.infer<typeof overviewParamsSchema>;

/**
 * Live-update state, shared by every page: `live=0` pauses, `every=N` polls every N seconds, and
 * `at=<snapshot id>` shows a stored snapshot instead of the node now (frozen: never polls).
 * `since=<snapshot id>` shows what changed from that snapshot to the one on screen.
 */
const liveParamsSchema = z.object({
  live: z
    .enum(["0", "1"])
    .optional()
    .catch(undefined)
    .default("1")
    .transform((v) => v === "1"),
  every: z.coerce.number().int().min(1).max(300).optional().catch(undefined).default(5),
  at: snapshotIdSchema.optional().catch(undefined),
  since: snapshotIdSchema.optional().catch(undefined),
});
export type LiveParams = z.infer<typeof liveParamsSchema>;

function record(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries([...params.entries()]);
}

/** Never throws: unknown or malformed values fall back to defaults (a hand-edited URL still opens). */
export function parseOverviewParams(params: URLSearchParams): OverviewParams {
  const parsed = overviewParamsSchema.safeParse(record(params));
  return parsed.success ? parsed.data : overviewParamsSchema.parse({});
}

export function parseLiveParams(params: URLSearchParams): LiveParams {
  const parsed = liveParamsSchema.safeParse(record(params));
  return parsed.success ? parsed.data : liveParamsSchema.parse({});
}

/** Writes `changes` into a copy of `params`, dropping values that equal their defaults (short links). */
export function withParams(params: URLSearchParams, changes: Record<string, string | string[] | undefined>): URLSearchParams {
  // Defaults are dropped from links; "dir" differs by page, so it is kept unless it is the overview's.
  const defaults: Record<string, string> = { q: "", sort: "owner", dir: "asc", live: "1", every: "5", lo: "hide" };
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(changes)) {
    const text = Array.isArray(value) ? value.join(",") : value;
    if (text === undefined || text === "" || defaults[key] === text) next.delete(key);
    else next.set(key, text);
  }
  return next;
}

/** The topology's view state (also all in the URL): focus, loopback, direction, the selected node. */
const topologyParamsSchema = z.object({
  focus: z
    .string()
    .max(300)
    .regex(/^(pod|container|netns):[\w./:-]+$/)
    .optional()
    .catch(undefined),
  lo: z.enum(["show", "hide"]).optional().catch(undefined).default("hide"),
  dir: z.enum(["right", "down"]).optional().catch(undefined).default("right"),
  /** k8sns: one block per Kubernetes namespace. */
  group: z.enum(["k8sns"]).optional().catch(undefined),
  sel: z
    .string()
    .max(120)
    .regex(/^(netns|bridge):[0-9:]+$/)
    .optional()
    .catch(undefined),
});
export type TopologyParams = z.infer<typeof topologyParamsSchema>;

export function parseTopologyParams(params: URLSearchParams): TopologyParams {
  const parsed = topologyParamsSchema.safeParse(record(params));
  return parsed.success ? parsed.data : topologyParamsSchema.parse({});
}
