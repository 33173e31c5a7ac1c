import fs from "node:fs";
import { z } from "zod";

/** One interface the lab put (or had an engine put) into a namespace. */
export const labInterfaceSchema = z.object({
  name: z.string(),
  kind: z.enum(["veth", "vxlan", "tun", "tap", "macvlan", "bridge"]),
  /** "10.231.10.2/24", "fd00:231:10::2/64". */
  addresses: z.array(z.string()),
  /** For a veth: where its other end is ("host" or another lab netns key) and that end's name and bridge. */
  peer: z.object({ netns: z.string(), name: z.string().optional(), master: z.string().optional() }).optional(),
  /** macvlan/vxlan: the interface it sits on, in the same netns unless parentNetns says otherwise. */
  parent: z.string().optional(),
  parentNetns: z.string().optional(),
  vxlanId: z.number().int().optional(),
});
export type LabInterface = z.infer<typeof labInterfaceSchema>;

const labOwnerSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ip-netns"), name: z.string() }),
  z.object({ kind: z.literal("docker-container"), names: z.array(z.string()), networkMode: z.string() }),
  z.object({
    kind: z.literal("kubernetes-pod"),
    runtime: z.enum(["docker", "containerd-cri"]),
    namespace: z.string(),
    name: z.string(),
    uid: z.string(),
    /** Container names as the engine shows them (Docker: k8s_..., CRI: the metadata name). */
    containers: z.array(z.string()),
    sandboxId: z.string(),
  }),
  z.object({ kind: z.literal("podman-pod"), name: z.string(), id: z.string(), containers: z.array(z.string()) }),
  z.object({ kind: z.literal("process"), pid: z.number().int(), command: z.string() }),
  z.object({ kind: z.literal("bind-mount"), path: z.string() }),
]);
export type LabOwner = z.infer<typeof labOwnerSchema>;

export const labNetnsSchema = z.object({
  /** Stable lab-side name, e.g. "ip-netns:nslab-a" or "docker:nslab-web1". */
  key: z.string(),
  /** Namespace inode as a decimal string, read with stat() when the lab made it. */
  inode: z.string(),
  owner: labOwnerSchema,
  /** nsfs bind mounts that hold it. */
  paths: z.array(z.string()),
  /** Processes known to hold it (container init, sandbox pause, the holder process). */
  pids: z.array(z.number().int()),
  interfaces: z.array(labInterfaceSchema),
});
export type LabNetns = z.infer<typeof labNetnsSchema>;

export const labManifestSchema = z.object({
  prefix: z.string(),
  label: z.string(),
  createdAt: z.string(),
  upMs: z.number(),
  hostInode: z.string(),
  engines: z.object({
    docker: z.object({ socket: z.string(), version: z.string(), startedByLab: z.boolean() }),
    containerd: z.object({ socket: z.string(), version: z.string() }),
    podman: z.object({ socket: z.string(), version: z.string() }),
  }),
  /** Lab-made interfaces in the host namespace (bridges, host ends of veths, macvlan parents). */
  hostInterfaces: z.array(labInterfaceSchema),
  /** Docker containers started with --network host: owners of the host netns. */
  hostNetworkContainers: z.array(z.string()),
  netns: z.array(labNetnsSchema),
});
export type LabManifest = z.infer<typeof labManifestSchema>;

export function readManifest(file: string): LabManifest {
  return labManifestSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
}
