/**
 * Proves the lab is what its manifest says, read independently through /proc, mountinfo, iproute2
 * and each engine's own API, before any product code is tested against it.
 */
import fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CriClient } from "../../server/runtimes/cri/cri-client";
import { labConfig, manifestPath } from "../lab/lab-config";
import { readManifest, type LabManifest, type LabNetns } from "../lab/manifest";
import { nsfsMountPoints } from "../lab/processes";
import { run } from "../lab/sh";
import { unixGet } from "../lab/unix-http";
import { cidrs, ipLinks, kindOf, type IpLink } from "./helpers/iproute";

const config = labConfig();
let manifest: LabManifest;
let hostLinks: IpLink[];

beforeAll(() => {
  const file = manifestPath(config);
  if (!fs.existsSync(file)) throw new Error(`no lab manifest at ${file}: run \`npm run lab:up\` (npm test does it for you)`);
  manifest = readManifest(file);
  hostLinks = ipLinks();
});

/** A file through which the namespace can be entered: a bind mount, else a holder process. */
function entry(ns: LabNetns): string {
  const target = ns.paths[0] ?? (ns.pids[0] === undefined ? undefined : `/proc/${ns.pids[0]}/ns/net`);
  if (target === undefined) throw new Error(`${ns.key} has neither a path nor a pid`);
  return target;
}

function byKey(key: string): LabNetns {
  const ns = manifest.netns.find((n) => n.key === key);
  if (ns === undefined) throw new Error(`no ${key} in the manifest`);
  return ns;
}

function linkNamed(links: IpLink[], name: string): IpLink {
  const link = links.find((l) => l.ifname === name);
  if (link === undefined) throw new Error(`no interface ${name} among ${links.map((l) => l.ifname).join(", ")}`);
  return link;
}

function processesInNetns(inode: string): number[] {
  const pids: number[] = [];
  for (const entryName of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entryName)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entryName}/ns/net`) === `net:[${inode}]`) pids.push(Number(entryName));
    } catch {
      // exited or not ours to read
    }
  }
  return pids;
}

describe("lab manifest", () => {
  it("covers every kind of owner the foundation issue asks for", () => {
    const kinds = new Set(manifest.netns.map((n) => (n.owner.kind === "kubernetes-pod" ? `pod-${n.owner.runtime}` : n.owner.kind)));
    expect([...kinds].sort()).toEqual(["bind-mount", "docker-container", "ip-netns", "pod-containerd-cri", "pod-docker", "podman-pod", "process"]);
    const podNamespaces = new Set(
      manifest.netns.flatMap((n) => (n.owner.kind === "kubernetes-pod" && n.owner.runtime === "docker" ? [n.owner.namespace] : [])),
    );
    expect(podNamespaces.size).toBe(2);
    expect(manifest.netns.filter((n) => n.owner.kind === "kubernetes-pod" && n.owner.runtime === "containerd-cri")).toHaveLength(2);
  });

  it("gives every namespace a distinct inode, none of them the host's", () => {
    const inodes = manifest.netns.map((n) => n.inode);
    expect(new Set(inodes).size).toBe(inodes.length);
    expect(inodes).not.toContain(manifest.hostInode);
    expect(String(fs.statSync("/proc/self/ns/net").ino)).toBe(manifest.hostInode);
  });
});

describe.each(["ip-netns:", "process-only", "odd-mount", "docker:", "k8s-docker:", "k8s-cri:", "podman:"])("namespaces %s", (prefix) => {
  const selected = () => {
    const found = manifest.netns.filter((n) => n.key.startsWith(prefix));
    expect(found.length, `lab namespaces ${prefix}`).toBeGreaterThan(0);
    return found;
  };

  it("exist at every path the manifest names, as nsfs bind mounts of the right inode", () => {
    const mounts = nsfsMountPoints();
    const paths = selected().flatMap((ns) => ns.paths.map((p) => ({ ns, p })));
    // Only the process-only namespace has no bind mount.
    expect(paths.length > 0).toBe(prefix !== "process-only");
    for (const { ns, p } of paths) {
      expect(String(fs.statSync(p).ino), `${ns.key} ${p}`).toBe(ns.inode);
      // Engines report /var/run/...; mountinfo shows the real path (/var/run is a symlink to /run).
      expect(mounts, `${p} is an nsfs mount`).toContain(fs.realpathSync(p));
    }
  });

  it("are held by the processes the manifest names", () => {
    const pids = selected().flatMap((ns) => ns.pids.map((pid) => ({ ns, pid })));
    // Only `ip netns add`'s namespaces and the odd mount have no process in them.
    expect(pids.length > 0).toBe(prefix !== "ip-netns:" && prefix !== "odd-mount");
    for (const { ns, pid } of pids) expect(fs.readlinkSync(`/proc/${pid}/ns/net`), `${ns.key} pid ${pid}`).toBe(`net:[${ns.inode}]`);
  });

  it("hold the interfaces, kinds and addresses the manifest names", () => {
    expect(selected().flatMap((ns) => ns.interfaces).length).toBeGreaterThan(0);
    for (const ns of selected()) {
      const links = ipLinks(entry(ns));
      for (const want of ns.interfaces) {
        const link = linkNamed(links, want.name);
        expect(kindOf(link), `${ns.key} ${want.name} kind`).toBe(want.kind);
        expect(cidrs(link), `${ns.key} ${want.name} addresses`).toEqual(expect.arrayContaining(want.addresses));
        if (want.vxlanId !== undefined) expect(link.linkinfo?.info_data?.id).toBe(want.vxlanId);
        if (want.parent !== undefined && want.parentNetns === undefined) {
          // A vxlan names its underlay device in its own attributes (IFLA_VXLAN_LINK), not in IFLA_LINK.
          expect(link.linkinfo?.info_data?.link ?? link.link, `${ns.key} ${want.name} sits on ${want.parent}`).toBe(want.parent);
        }
        if (want.parent !== undefined && want.parentNetns === "host") {
          expect(link.link_index, `${ns.key} ${want.name} sits on the host's ${want.parent}`).toBe(linkNamed(hostLinks, want.parent).ifindex);
        }
      }
    }
  });

  it("have each veth paired with the peer the manifest names (both ends point at each other)", () => {
    expect(selected().flatMap((ns) => ns.interfaces.filter((i) => i.peer !== undefined)).length).toBeGreaterThan(0);
    for (const ns of selected()) {
      const links = ipLinks(entry(ns));
      for (const want of ns.interfaces.filter((i) => i.peer !== undefined)) {
        const link = linkNamed(links, want.name);
        const peer = want.peer;
        if (peer === undefined) continue;
        expect(link.link_netnsid, `${ns.key} ${want.name} peer lives in another netns`).toBeDefined();
        const peerLinks = peer.netns === "host" ? hostLinks : ipLinks(entry(byKey(peer.netns)));
        const candidates = peerLinks.filter(
          (l) => l.ifindex === link.link_index && l.link_index === link.ifindex && (peer.name === undefined || l.ifname === peer.name),
        );
        expect(candidates, `${ns.key} ${want.name} ↔ ${peer.netns} ${peer.name ?? "?"}`).toHaveLength(1);
        if (peer.master !== undefined) expect(candidates[0]?.master).toBe(peer.master);
      }
    }
  });
});

describe("namespaces without any engine", () => {
  it("lists the ip-netns ones under their names", () => {
    const names = run("ip", ["netns", "list"])
      .split("\n")
      .map((l) => l.split(" ")[0]);
    const named = manifest.netns.flatMap((ns) => (ns.owner.kind === "ip-netns" ? [ns.owner.name] : []));
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(names).toContain(name);
  });

  it("keeps the process-only namespace alive through its process alone (no bind mount)", () => {
    const ns = byKey("process-only");
    expect(ns.paths).toEqual([]);
    expect(ns.pids.length).toBeGreaterThan(0);
    expect(fs.readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(`net:[${ns.inode}]`);
    expect(processesInNetns(ns.inode)).toEqual(ns.pids);
  });

  it("keeps the odd-path namespace alive through its bind mount alone (its process is gone)", () => {
    const ns = byKey("odd-mount");
    expect(ns.pids).toEqual([]);
    expect(processesInNetns(ns.inode)).toEqual([]);
    expect(ns.paths[0]).not.toMatch(/^\/run\/(netns|docker)\//);
  });

  it("wires the plain bridge's ports on the host", () => {
    expect(manifest.hostInterfaces.length).toBeGreaterThan(0);
    for (const want of manifest.hostInterfaces) {
      const link = linkNamed(hostLinks, want.name);
      expect(kindOf(link), want.name).toBe(want.kind);
      expect(cidrs(link)).toEqual(expect.arrayContaining(want.addresses));
    }
    const bridge = `${config.prefix}-br0`;
    expect(
      hostLinks
        .filter((l) => l.master === bridge)
        .map((l) => l.ifname)
        .sort(),
    ).toEqual([`${config.prefix}-a0`, `${config.prefix}-b0`]);
  });
});

const dockerInspectSchema = z.array(
  z.object({
    Name: z.string(),
    State: z.object({ Running: z.boolean() }),
    Config: z.object({ Labels: z.record(z.string(), z.string()).nullable() }),
    HostConfig: z.object({ NetworkMode: z.string(), IpcMode: z.string() }),
    NetworkSettings: z.object({ SandboxKey: z.string() }),
  }),
);

describe("docker", () => {
  const inspect = (name: string) => {
    const [first] = dockerInspectSchema.parse(JSON.parse(run("docker", ["inspect", name])));
    if (first === undefined) throw new Error(name);
    return first;
  };

  it("runs every lab container, labelled with the lab's prefix", () => {
    const names = [...manifest.netns.flatMap((n) => (n.owner.kind === "docker-container" ? n.owner.names : [])), ...manifest.hostNetworkContainers];
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const name of names) {
      const c = inspect(name);
      expect(c.State.Running, name).toBe(true);
      expect(c.Config.Labels?.["nsatlas.lab"]).toBe(config.prefix);
    }
  });

  it("puts the --network host container in the host namespace", () => {
    expect(manifest.hostNetworkContainers.length).toBeGreaterThan(0);
    for (const name of manifest.hostNetworkContainers) {
      expect(inspect(name).NetworkSettings.SandboxKey).toBe("/var/run/docker/netns/default");
      expect(String(fs.statSync("/var/run/docker/netns/default").ino)).toBe(manifest.hostInode);
    }
  });

  it("builds dockershim pods: a labelled pause container and app containers joined to its netns", () => {
    expect(manifest.netns.filter((ns) => ns.owner.kind === "kubernetes-pod" && ns.owner.runtime === "docker").length).toBeGreaterThan(0);
    for (const ns of manifest.netns) {
      if (ns.owner.kind !== "kubernetes-pod" || ns.owner.runtime !== "docker") continue;
      const [pauseName, ...apps] = ns.owner.containers;
      if (pauseName === undefined) throw new Error("pod without containers");
      expect(pauseName).toBe(`k8s_POD_${ns.owner.name}_${ns.owner.namespace}_${ns.owner.uid}_0`);
      const pause = inspect(pauseName);
      expect(pause.Config.Labels).toMatchObject({
        "io.kubernetes.pod.name": ns.owner.name,
        "io.kubernetes.pod.namespace": ns.owner.namespace,
        "io.kubernetes.pod.uid": ns.owner.uid,
        "io.kubernetes.docker.type": "podsandbox",
      });
      expect(pause.HostConfig.IpcMode).toBe("shareable");
      expect(apps).toHaveLength(2);
      for (const app of apps) {
        const c = inspect(app);
        expect(c.HostConfig.NetworkMode).toBe(`container:${ns.owner.sandboxId}`);
        expect(c.NetworkSettings.SandboxKey).toBe("");
        expect(c.Config.Labels).toMatchObject({ "io.kubernetes.docker.type": "container", "io.kubernetes.sandbox.id": ns.owner.sandboxId });
      }
    }
  });
});

describe("containerd CRI", () => {
  it("reports the lab's pod sandboxes ready, each with its running container", async () => {
    const client = new CriClient(manifest.engines.containerd.socket);
    try {
      const sandboxes = z
        .object({ items: z.array(z.object({ id: z.string(), state: z.string(), metadata: z.object({ name: z.string(), namespace: z.string() }) })) })
        .parse(await client.call("ListPodSandbox", { filter: { labelSelector: { "nsatlas.lab": config.prefix } } }, 5000));
      const expected = manifest.netns.flatMap((n) => (n.owner.kind === "kubernetes-pod" && n.owner.runtime === "containerd-cri" ? [n.owner] : []));
      expect(expected.length).toBeGreaterThan(0);
      expect(sandboxes.items.map((s) => s.id).sort()).toEqual(expected.map((p) => p.sandboxId).sort());
      for (const s of sandboxes.items) expect(s.state).toBe("SANDBOX_READY");
      const containers = z
        .object({ containers: z.array(z.object({ podSandboxId: z.string(), state: z.string(), metadata: z.object({ name: z.string() }) })) })
        .parse(await client.call("ListContainers", { filter: { labelSelector: { "nsatlas.lab": config.prefix } } }, 5000));
      for (const pod of expected) {
        const mine = containers.containers.filter((c) => c.podSandboxId === pod.sandboxId);
        expect(mine.map((c) => [c.metadata.name, c.state])).toEqual([["main", "CONTAINER_RUNNING"]]);
      }
    } finally {
      client.close();
    }
  });
});

describe("podman", () => {
  it("serves the lab's pod through its API socket, infra and app container running", async () => {
    const pods = z
      .array(z.object({ Name: z.string(), Id: z.string(), Status: z.string(), Containers: z.array(z.object({ Names: z.string(), Status: z.string() })) }))
      .parse(JSON.parse(await unixGet(manifest.engines.podman.socket, "/v4.0.0/libpod/pods/json")));
    const expected = manifest.netns.flatMap((n) => (n.owner.kind === "podman-pod" ? [n.owner] : []));
    expect(expected).toHaveLength(1);
    for (const owner of expected) {
      const pod = pods.find((p) => p.Id === owner.id);
      expect(pod?.Status).toBe("Running");
      expect(pod?.Containers.map((c) => c.Names).sort()).toEqual([...owner.containers].sort());
      expect(pod?.Containers.every((c) => c.Status === "running")).toBe(true);
    }
  });
});
