import * as z from "zod";
import { netnsAddresses, refParts } from "../contract/display";
import type { Snapshot } from "../contract/snapshot";

/** `nsatlas list --json`: the table's columns as data, one entry a namespace (the host's first). */
export const listOutputSchema = z.object({
  /** The node's name (NSATLAS_NODE_NAME, else the hostname) and when it was read (ISO 8601). */
  node: z.string(),
  takenAt: z.string(),
  netns: z.array(
    z.object({
      /** The namespace's inode, as everywhere in nsatlas. */
      id: z.string(),
      isHost: z.boolean(),
      isGone: z.boolean(),
      /** Owner kind ("docker-container", "kubernetes-pod", ...) and name. */
      owners: z.array(z.object({ kind: z.string(), name: z.string() })),
      interfaceCount: z.number().int(),
      /** What holds it, as the REFS column says it: "/run/netns/blue", "pid 4242", "(+12 processes)", "tid 7", "fd 42/3". */
      heldBy: z.array(z.string()),
      /** CIDR addresses other than loopback and IPv6 link-local. */
      addresses: z.array(z.string()),
    }),
  ),
  /** Files in /run/netns or /run/docker/netns that are not a namespace. */
  staleFiles: z.array(z.string()),
});
export type ListOutput = z.infer<typeof listOutputSchema>;

export function listOutput(snapshot: Snapshot): ListOutput {
  return {
    node: snapshot.node.name,
    takenAt: snapshot.takenAt,
    netns: snapshot.netns.map((n) => ({
      id: n.id,
      isHost: n.isHost,
      isGone: n.isGone,
      owners: n.owners.map((o) => ({ kind: o.kind, name: o.name })),
      interfaceCount: n.interfaces.length,
      heldBy: refParts(n),
      addresses: netnsAddresses(n),
    })),
    staleFiles: snapshot.staleFiles,
  };
}
