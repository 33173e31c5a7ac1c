import * as z from "zod";

/** A name `ip netns` accepts and that is safe as a file name under /run/netns. */
export const exposeNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a name: letters, digits, _ . - (no slash), starting with a letter or digit");

/** What to expose: `container:<name or id>`, `pod:<k8s namespace>/<name>` or `netns:<inode>`. */
const exposeTargetSchema = z
  .string()
  .max(320)
  .regex(/^(container|pod|netns):[A-Za-z0-9][A-Za-z0-9_./-]*$/, "container:<name>, pod:<namespace>/<name> or netns:<inode>");

export const exposeRequestSchema = z.object({ target: exposeTargetSchema, name: exposeNameSchema.optional() });
export const unexposeRequestSchema = z.object({ name: exposeNameSchema });

/** A namespace the agent made visible to `ip netns` (a bind mount at /run/netns/<name>). */
export const exposureSchema = z.object({
  name: z.string(),
  netnsId: z.string(),
  /** What was exposed, as asked: "container:web". */
  target: z.string(),
  path: z.string(),
  createdAt: z.string(),
  who: z.string(),
  /** The mount is still there and still holds that namespace. */
  isMounted: z.boolean(),
});
export type Exposure = z.infer<typeof exposureSchema>;

export const exposuresSchema = z.object({
  /** NSATLAS_ALLOW_EXPOSE: off by default, because it writes to the host. */
  isEnabled: z.boolean(),
  exposures: z.array(exposureSchema),
});
export type Exposures = z.infer<typeof exposuresSchema>;
