import * as z from "zod";
import { anomalySchema } from "./anomaly";
import { runtimeStatusSchema } from "./runtime-status";

/** A namespace inode as a decimal string, e.g. "4026531993". */
export const netnsIdSchema = z.string().regex(/^\d{1,20}$/, "a network namespace id is its inode as a decimal number");

/** What keeps a namespace alive. */
export const refSchema = z.object({
  /** process: a process lives in it; thread: one thread of a process moved into it; bind-mount: an nsfs mount; fd: an open file descriptor. */
  kind: z.enum(["process", "thread", "bind-mount", "fd"]),
  /** The process (process, thread, fd) or a process of the mount namespace holding the mount. */
  pid: z.number().int().optional(),
  /** The thread id, for kind "thread". */
  tid: z.number().int().optional(),
  /** The mount point, for kind "bind-mount" (as mountinfo shows it, e.g. /run/netns/blue). */
  path: z.string().optional(),
  /** The descriptor number, for kind "fd". */
  fd: z.number().int().optional(),
  /** Inode of the mount namespace holding a bind mount, when it is not the agent's own. */
  mountNamespace: z.string().optional(),
});
export type Ref = z.infer<typeof refSchema>;

export const addressSchema = z.object({
  family: z.enum(["inet", "inet6"]),
  /** "10.0.0.2", "fd00::2", "fe80::1". */
  address: z.string(),
  prefixLength: z.number().int().min(0).max(128),
  /** universe (global), site, link, host. */
  scope: z.string(),
});
export type Address = z.infer<typeof addressSchema>;

/** Counters from IFLA_STATS64 (64-bit, since the interface was created). */
export const statsSchema = z.object({
  rxBytes: z.number(),
  txBytes: z.number(),
  rxPackets: z.number(),
  txPackets: z.number(),
  rxErrors: z.number(),
  txErrors: z.number(),
  rxDropped: z.number(),
  txDropped: z.number(),
});

/** The counters that mean traffic was lost: rising ones are flagged and listed first in a diff. */
export const LOSS_COUNTERS = ["rxDropped", "txDropped", "rxErrors", "txErrors"] as const;

/** Where an interface in one namespace points: relations are ids, never object references. */
export const ifaceRefSchema = z.object({ netnsId: netnsIdSchema, ifindex: z.number().int() });
export type IfaceRef = z.infer<typeof ifaceRefSchema>;

/** One vxlan forwarding entry: frames for `mac` go to VTEP `dst`; mac 00:00:00:00:00:00 is a flood entry (every such dst gets a copy). */
export const vxlanFdbEntrySchema = z.object({
  mac: z.string(),
  dst: z.string().optional(),
  vni: z.number().int().optional(),
  /** Added by hand or by a CNI (permanent, noarp); else learned from traffic. */
  isStatic: z.boolean(),
});
export type VxlanFdbEntry = z.infer<typeof vxlanFdbEntrySchema>;

export const interfaceSchema = z.object({
  /** Unique only inside its namespace (every container's eth0 is often 2). */
  ifindex: z.number().int(),
  name: z.string(),
  /** IFLA_INFO_KIND: veth, bridge, vxlan, macvlan, tun, tap, ...; "loopback"; "device" for hardware without a kind. */
  kind: z.string(),
  /** Hardware address; absent for tun and other L3 devices. */
  mac: z.string().optional(),
  mtu: z.number().int(),
  /** RFC 2863 operational state: up, down, lowerlayerdown, unknown, ... */
  operState: z.string(),
  /** Administratively up (IFF_UP). */
  isUp: z.boolean(),
  isPromiscuous: z.boolean(),
  /** The bridge (or bond) this interface is a port of, in the same namespace. */
  masterIfindex: z.number().int().optional(),
  addresses: z.array(addressSchema),
  /** veth: the other end, in whichever namespace it lives. */
  peer: ifaceRefSchema.optional(),
  /** A veth whose other end could not be found in any namespace read (flagged, not dropped). */
  isPeerMissing: z.boolean().optional(),
  /** macvlan/macvtap/vxlan: the interface it sits on (a macvlan's may be in another namespace). */
  parent: ifaceRefSchema.optional(),
  vxlan: z
    .object({
      id: z.number().int().optional(),
      remote: z.string().optional(),
      local: z.string().optional(),
      port: z.number().int().optional(),
      /** Its forwarding entries (`bridge fdb show dev`), at most 1,024; absent when they could not be read (see the namespace's errors). */
      fdb: z.array(vxlanFdbEntrySchema).optional(),
      /** Entries past the 1,024 kept. */
      fdbDropped: z.number().int().optional(),
    })
    .optional(),
  macvlanMode: z.string().optional(),
  stats: statsSchema.optional(),
});
export type Interface = z.infer<typeof interfaceSchema>;

/** The kernel's own routing tables: main (where `ip route` looks) and local (the node's own addresses). */
export const MAIN_ROUTE_TABLE = 254;
export const LOCAL_ROUTE_TABLE = 255;

export const routeSchema = z.object({
  family: z.enum(["inet", "inet6"]),
  /** Routing table number: 254 main, 255 local, others custom. */
  table: z.number().int(),
  /** unicast, local, broadcast, blackhole, unreachable, ... */
  type: z.string(),
  /** Who installed it: kernel, boot, static, dhcp, ... */
  protocol: z.string(),
  scope: z.string(),
  /** "default" or "10.0.0.0/24". */
  destination: z.string(),
  gateway: z.string().optional(),
  /** Output interface, by ifindex in this namespace. */
  outIfindex: z.number().int().optional(),
  preferredSource: z.string().optional(),
  priority: z.number().int().optional(),
  isMultipath: z.boolean(),
});
export type Route = z.infer<typeof routeSchema>;

/** A TCP or UDP socket listening in a namespace. */
export const listenerSchema = z.object({
  protocol: z.enum(["tcp", "udp"]),
  family: z.enum(["inet", "inet6"]),
  address: z.string(),
  port: z.number().int(),
  /** Processes holding the socket, when they could be found. */
  processes: z.array(z.object({ pid: z.number().int(), command: z.string() })),
});
export type Listener = z.infer<typeof listenerSchema>;

/** One container inside a pod, as its engine names it. */
export const podContainerSchema = z.object({
  /** The engine's container id. */
  id: z.string(),
  /** The engine's name for it: Docker's `k8s_app_web-0_shop_<uid>_0`, CRI's `app`, podman's `web-app`. */
  name: z.string(),
  /** The Kubernetes container name (`io.kubernetes.container.name`), `POD` for a dockershim pause container. */
  kubernetesName: z.string().optional(),
  image: z.string().optional(),
  /** running, exited, created, ... as the engine says. */
  state: z.string(),
  /** The pause/infra container that holds the pod's namespaces. */
  isSandbox: z.boolean(),
});
export type PodContainer = z.infer<typeof podContainerSchema>;

/**
 * Who a namespace belongs to. A namespace can have several owners: a pod and the `ip netns` name its
 * runtime gave it, or every container that joined it (`--network container:...`, `--network host`).
 * Every kind carries `name`, the text to show.
 */
export const ownerSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("docker-container"),
    /** Which engine: "docker", or "podman" for a container outside any podman pod. */
    runtime: z.enum(["docker", "podman"]),
    id: z.string(),
    name: z.string(),
    image: z.string().optional(),
    state: z.string(),
    /** The container's init process on the host. */
    pid: z.number().int().optional(),
    /** Docker's HostConfig.NetworkMode: bridge, host, none, a network name, or container:<id>. */
    networkMode: z.string().optional(),
    /** Docker Compose project/service, when labelled. */
    compose: z.object({ project: z.string(), service: z.string() }).optional(),
    /** The container's labels, as the engine reports them. */
    labels: z.record(z.string(), z.string()).optional(),
  }),
  z.object({
    kind: z.literal("kubernetes-pod"),
    /** docker (cri-dockerd/dockershim), containerd-cri or cri-o. */
    runtime: z.enum(["docker", "containerd-cri", "cri-o"]),
    /** The Kubernetes namespace. */
    namespace: z.string(),
    /** "namespace/name", for display. */
    name: z.string(),
    podName: z.string(),
    uid: z.string(),
    /** The sandbox: the pause container id (Docker) or the CRI pod sandbox id. */
    sandboxId: z.string(),
    containers: z.array(podContainerSchema),
    /** The pod's labels (its sandbox's: the pod's own plus the runtime's io.kubernetes.* ones). */
    labels: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ kind: z.literal("podman-pod"), id: z.string(), name: z.string(), containers: z.array(podContainerSchema) }),
  /** A name under /run/netns (what `ip netns list` shows): ip netns, CNI (`cni-*`), podman (`netns-*`). */
  z.object({ kind: z.literal("ip-netns"), name: z.string() }),
  /** For a namespace no engine claims: its oldest process. */
  z.object({
    kind: z.literal("process"),
    pid: z.number().int(),
    /** Command line (NULs as spaces), or the comm name when the command line is empty. */
    name: z.string(),
    /** The process's cgroup path (v2 unified, or v1 name=systemd / first hierarchy). */
    cgroup: z.string().optional(),
    /** The systemd unit, when the cgroup path names one (*.service, *.scope). */
    unit: z.string().optional(),
  }),
]);
export type Owner = z.infer<typeof ownerSchema>;

export const netnsSchema = z.object({
  id: netnsIdSchema,
  /** The node's own namespace (that of the agent's process). */
  isHost: z.boolean(),
  /** What keeps it alive. Process refs are capped at PROCESS_REF_LIMIT; processCount has the total. */
  refs: z.array(refSchema),
  /** How many processes live in it. */
  processCount: z.number().int(),
  owners: z.array(ownerSchema),
  interfaces: z.array(interfaceSchema),
  routes: z.array(routeSchema),
  /** Filled only when asked for one namespace (GET /api/v1/netns/{id}); reading them costs a pass of its own. */
  listeners: z.array(listenerSchema).optional(),
  /** This namespace vanished between being found and being read. */
  isGone: z.boolean(),
  /** What went wrong reading it (the pass goes on without it). */
  errors: z.array(z.string()),
});
export type Netns = z.infer<typeof netnsSchema>;

export const stageTimingsSchema = z.object({
  discoverMs: z.number(),
  fdScanMs: z.number(),
  readMs: z.number(),
  wireMs: z.number(),
  ownersMs: z.number(),
  totalMs: z.number(),
});

/** The node a snapshot was read on. Files exported before nodes had names take the hostname as the name. */
export const nodeSchema = z.preprocess(
  (v) => (typeof v === "object" && v !== null && !("name" in v) && "hostname" in v ? { ...v, name: v.hostname } : v),
  z.object({
    /** The node's name: NSATLAS_NODE_NAME (Kubernetes' spec.nodeName through the downward API), else the hostname. */
    name: z.string().min(1),
    /** uname -n. */
    hostname: z.string(),
    /** Kernel release (uname -r). */
    kernel: z.string(),
  }),
);
export type NodeInfo = z.infer<typeof nodeSchema>;

export const snapshotSchema = z.object({
  /** Unique per reading: "<takenAt in ms>-<random>". */
  id: z.string(),
  /** When the reading started (ISO 8601). */
  takenAt: z.string(),
  node: nodeSchema,
  /** Every namespace found, the host's first. */
  netns: z.array(netnsSchema),
  /** Files in /run/netns or /run/docker/netns that are not a namespace (left after one was removed). */
  staleFiles: z.array(z.string()),
  /** How each container engine answered during this snapshot. */
  runtimes: z.array(runtimeStatusSchema),
  timings: stageTimingsSchema,
  /** What looks wrong (see contract/anomaly.ts); absent in files exported before anomalies existed. */
  anomalies: z.array(anomalySchema).default([]),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

/**
 * The snapshot as the pages that poll it use it (overview, topology, lookups, the report):
 * without routes and counters, which only a namespace's own page shows (GET /api/v1/netns/{id}).
 * `GET /api/v1/snapshot?view=overview`; a third of the full JSON at 268 namespaces.
 */
export const overviewInterfaceSchema = interfaceSchema.omit({ stats: true });
export const overviewNetnsSchema = netnsSchema.omit({ routes: true }).extend({ interfaces: z.array(overviewInterfaceSchema) });
export const snapshotOverviewSchema = snapshotSchema.extend({ netns: z.array(overviewNetnsSchema) });
export type SnapshotOverview = z.infer<typeof snapshotOverviewSchema>;
export type OverviewNetns = z.infer<typeof overviewNetnsSchema>;
export type OverviewInterface = z.infer<typeof overviewInterfaceSchema>;

/** Which form GET /api/v1/snapshot answers in. */
/**
 * full: every namespace with routes and counters; overview: without them (what the pages poll); complete: full plus each
 * namespace's listening sockets, as the history stores a snapshot (one more sock_diag pass per namespace: a hub's freeze).
 */
export const snapshotViewSchema = z.enum(["full", "overview", "complete"]);
export type SnapshotView = z.infer<typeof snapshotViewSchema>;

export const PROCESS_REF_LIMIT = 50;
