import type { Netns } from "../contract/snapshot";

/** How people name a namespace: "host", its first owner, or its inode. */
export function netnsLabel(n: Pick<Netns, "id" | "isHost" | "owners">): string {
  if (n.isHost) return "host";
  return n.owners[0]?.name ?? `netns ${n.id}`;
}
