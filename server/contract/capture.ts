import * as z from "zod";
import { k8sNamespaceSchema, podNameSchema } from "./lookups";
import { netnsIdSchema } from "./snapshot";

/**
 * Packet capture (POST /api/v1/captures): the request body, the status answer (GET /api/v1/captures)
 * and the limits both sides show. The capture itself is a pcapng file streamed while it runs.
 */
export const CAPTURE_LIMITS = {
  minSeconds: 1,
  maxSeconds: 60,
  defaultSeconds: 10,
  minSnaplen: 64,
  maxSnaplen: 262_144,
  defaultSnaplen: 262_144,
  /** Interfaces in one capture. */
  maxSources: 8,
  /** Captures running at once in one agent process. */
  maxConcurrent: 2,
  /** The file's size cap unless NSATLAS_CAPTURE_MAX_MB says otherwise. */
  defaultMaxBytes: 64 * 1024 * 1024,
  maxFilterLength: 1024,
} as const;

/** An interface name as Linux allows it (dev_valid_name): 1 to 15 bytes, no slash, colon or white space, not "." or "..". */
export const ifaceNameSchema = z
  .string()
  .min(1)
  .max(15)
  .regex(/^[^\s/:]+$/, "an interface name has no slash, colon or white space")
  .refine((n) => n !== "." && n !== "..", "an interface name is not . or ..");

/** One interface of one namespace. */
export const captureSourceSchema = z.strictObject({ netnsId: netnsIdSchema, iface: ifaceNameSchema });
export type CaptureSource = z.infer<typeof captureSourceSchema>;

/** "namespace/name" of a Kubernetes pod on this node. */
const podRefSchema = z
  .string()
  .max(320)
  .transform((s, ctx) => {
    const [namespace = "", name = "", ...rest] = s.split("/");
    const ns = k8sNamespaceSchema.safeParse(namespace);
    const pod = podNameSchema.safeParse(name);
    if (rest.length > 0 || !ns.success || !pod.success) {
      ctx.addIssue({ code: "custom", message: "a pod is <kubernetes namespace>/<pod name>" });
      return z.NEVER;
    }
    return { namespace: ns.data, name: pod.data };
  });

/** Every ")" closes an earlier "(", and every "(" is closed: the agent appends to a filter and must not land inside it. */
function isBalanced(filter: string): boolean {
  let depth = 0;
  for (const c of filter) {
    if (c === "(") depth += 1;
    else if (c === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

/** What to capture on: interfaces by name, every interface of a pod, or a veth and its peer. */
export type CaptureTarget =
  { kind: "sources"; sources: CaptureSource[] } | { kind: "pod"; namespace: string; name: string } | { kind: "veth"; source: CaptureSource };

export interface CaptureRequest {
  target: CaptureTarget;
  seconds: number;
  /** A pcap-filter(7) expression; "" captures everything. */
  filter: string;
  snaplen: number;
}

/**
 * The body of POST /api/v1/captures: exactly one of
 *   {"netnsId","iface"}  {"sources":[{"netnsId","iface"},…]}  {"pod":"namespace/name"}  {"veth":{"netnsId","iface"}}
 * with "seconds" (1–60, default 10), "filter" (default: everything) and "snaplen" (64–262144, default 262144).
 */
export const captureRequestSchema = z
  .strictObject({
    netnsId: netnsIdSchema.optional(),
    iface: ifaceNameSchema.optional(),
    sources: z.array(captureSourceSchema).min(1).max(CAPTURE_LIMITS.maxSources, `at most ${CAPTURE_LIMITS.maxSources} interfaces in one capture`).optional(),
    pod: podRefSchema.optional(),
    veth: captureSourceSchema.optional(),
    seconds: z
      .number()
      .int("seconds is a whole number")
      .min(CAPTURE_LIMITS.minSeconds, `a capture runs ${CAPTURE_LIMITS.minSeconds} to ${CAPTURE_LIMITS.maxSeconds} seconds`)
      .max(CAPTURE_LIMITS.maxSeconds, `a capture runs ${CAPTURE_LIMITS.minSeconds} to ${CAPTURE_LIMITS.maxSeconds} seconds`)
      .default(CAPTURE_LIMITS.defaultSeconds),
    filter: z
      .string()
      .max(CAPTURE_LIMITS.maxFilterLength)
      .regex(/^[\x20-\x7e]*$/, "a filter is printable ASCII (pcap-filter(7))")
      .refine(isBalanced, "the filter's parentheses do not balance")
      .default(""),
    snaplen: z.number().int().min(CAPTURE_LIMITS.minSnaplen).max(CAPTURE_LIMITS.maxSnaplen).default(CAPTURE_LIMITS.defaultSnaplen),
  })
  .transform((body, ctx): CaptureRequest => {
    const forms = [body.netnsId !== undefined || body.iface !== undefined, body.sources !== undefined, body.pod !== undefined, body.veth !== undefined];
    if (forms.filter(Boolean).length !== 1) {
      ctx.addIssue({ code: "custom", message: 'give exactly one of "netnsId"+"iface", "sources", "pod" or "veth"' });
      return z.NEVER;
    }
    const rest = { seconds: body.seconds, filter: body.filter.trim(), snaplen: body.snaplen };
    if (body.pod !== undefined) return { target: { kind: "pod", ...body.pod }, ...rest };
    if (body.veth !== undefined) return { target: { kind: "veth", source: body.veth }, ...rest };
    if (body.sources !== undefined) {
      const keys = body.sources.map((s) => `${s.netnsId}/${s.iface}`);
      if (new Set(keys).size !== keys.length) {
        ctx.addIssue({ code: "custom", path: ["sources"], message: "an interface is listed twice" });
        return z.NEVER;
      }
      return { target: { kind: "sources", sources: body.sources }, ...rest };
    }
    if (body.netnsId === undefined || body.iface === undefined) {
      ctx.addIssue({ code: "custom", message: '"netnsId" and "iface" go together' });
      return z.NEVER;
    }
    return { target: { kind: "sources", sources: [{ netnsId: body.netnsId, iface: body.iface }] }, ...rest };
  });

/** GET /api/v1/captures: whether capture is on here, how many run, and the limits. */
export const captureStatusSchema = z.object({
  /** NSATLAS_CAPTURE=1: off by default (it needs extra capabilities and sees traffic). */
  isEnabled: z.boolean(),
  /** Captures running now in this agent process. */
  running: z.number().int().nonnegative(),
  maxConcurrent: z.number().int(),
  maxSeconds: z.number().int(),
  maxSources: z.number().int(),
  /** The file's size cap; a capture that reaches it ends there, its file complete. */
  maxBytes: z.number().int(),
  /** Capabilities a capture needs that this process's bounding set lacks (then a capture answers 503). */
  missingCapabilities: z.array(z.string()),
});
export type CaptureStatus = z.infer<typeof captureStatusSchema>;
