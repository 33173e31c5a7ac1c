import { containerRefSchema, k8sNamespaceSchema, podNameSchema } from "../contract/lookups";

export type WhereTarget = { kind: "pod"; namespace: string; name: string } | { kind: "container"; ref: string };

/** "ns/name" is a pod; anything else a container, podman pod or ip netns name. Malformed names never reach a lookup. */
export function parseWhereTarget(arg: string): WhereTarget | undefined {
  const slash = arg.indexOf("/");
  if (slash !== -1) {
    const namespace = k8sNamespaceSchema.safeParse(arg.slice(0, slash));
    const name = podNameSchema.safeParse(arg.slice(slash + 1));
    return namespace.success && name.success ? { kind: "pod", namespace: namespace.data, name: name.data } : undefined;
  }
  const ref = containerRefSchema.safeParse(arg);
  return ref.success ? { kind: "container", ref: ref.data } : undefined;
}

/** The target as the expose API names it: `pod:<ns>/<name>` or `container:<ref>`. */
export function exposeSpec(target: WhereTarget): string {
  return target.kind === "pod" ? `pod:${target.namespace}/${target.name}` : `container:${target.ref}`;
}

/** "pod default/web" or "container, podman pod or ip netns web1", for "not found" messages. */
export function describeTarget(target: WhereTarget): string {
  return target.kind === "pod" ? `pod ${target.namespace}/${target.name}` : `container, podman pod or ip netns ${target.ref}`;
}
