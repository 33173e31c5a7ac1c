import * as z from "zod";
import { netnsSchema, ownerSchema, podContainerSchema } from "./snapshot";

/**
 * Names as Kubernetes and Docker allow them. Anything else (path separators, control characters,
 * over-long) is refused before it reaches a lookup, a file path or an engine call.
 */
export const k8sNamespaceSchema = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a Kubernetes namespace is a DNS-1123 label");
export const podNameSchema = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a pod name is a DNS-1123 subdomain");
export const containerRefSchema = z
  .string()
  .max(255)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "a container name or id: letters, digits, _ . -");

/** GET /api/v1/pods/{ns}/{name} and /api/v1/containers/{nameOrId}: the owner and the namespaces it holds. */
export const lookupSchema = z.object({
  owner: ownerSchema,
  /** For a container looked up inside a pod: that container. */
  container: podContainerSchema.optional(),
  netns: z.array(netnsSchema),
});
export type Lookup = z.infer<typeof lookupSchema>;
