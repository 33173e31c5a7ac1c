import path from "node:path";
import { z } from "zod";

/**
 * Everything the lab makes carries this prefix (interface, namespace, container, network and pod
 * names) and the label `nsatlas.lab=<prefix>`, so teardown finds exactly what the lab made and
 * nothing else. Short, because Linux interface names stop at 15 characters.
 */
const prefixSchema = z.string().regex(/^[a-z][a-z0-9]{1,5}$/, "NSATLAS_LAB_PREFIX: 2-6 lowercase letters/digits, starting with a letter");

export interface LabConfig {
  prefix: string;
  label: string;
  /** tmpfs: sockets, daemon state, the odd bind mount, manifest.json, state.json. */
  stateDir: string;
  /** disk: containerd and podman image stores, image build work. */
  dataDir: string;
  image: { docker: string; oci: string; ociPause: string };
}

export function labConfig(env: Record<string, string | undefined> = process.env): LabConfig {
  const prefix = prefixSchema.parse(env.NSATLAS_LAB_PREFIX ?? "nslab");
  return {
    prefix,
    label: `nsatlas.lab=${prefix}`,
    stateDir: path.join("/run/nsatlas-lab", prefix),
    dataDir: path.join("/var/lib/nsatlas-lab", prefix),
    image: {
      docker: `${prefix}/busybox:1`,
      oci: `docker.io/${prefix}/busybox:1`,
      ociPause: `docker.io/${prefix}/pause:1`,
    },
  };
}

/** Where the lab writes its ground truth. */
export function manifestPath(config: LabConfig): string {
  return path.join(config.stateDir, "manifest.json");
}

/** Deterministic RFC 4122-shaped UUID from a name, so pods keep their uid across `lab:up` runs. */
export function stableUuid(name: string, hash: (s: string) => string): string {
  const h = hash(name);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The lab's address plan: private ranges unlikely to meet a real network on a test machine. */
export const SUBNETS = {
  plainBridge: { v4: "10.231.10", v6: "fd00:231:10::" },
  direct: { v4: "10.231.11", v6: "fd00:231:11::" },
  vxlan: "10.231.13",
  processOnly: "10.231.14",
  oddMount: "10.231.12",
  dockerNet1: "10.231.20",
  dockerNet2: "10.231.21",
  dockerMacvlan: "10.231.22",
  dockerPods: "10.231.30",
  cri: "10.231.50",
  podman: "10.231.60",
} as const;
