import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DISCOVER } from "../../../server/config";
import { makeRuntimeStatus, type RuntimeName, type RuntimeStatus } from "../../../server/contract/runtime-status";
import { readHostView, socketCandidates, WELL_KNOWN_SOCKETS, type HostView } from "../../../server/runtimes/discover-sockets";
import { EngineLocator, groupBySocket, reportGroups, socketIdentity, type SocketGroup } from "../../../server/runtimes/engine-locator";

const DISCOVER_ALL = { dockerSocket: DISCOVER, podmanSocket: DISCOVER, criSockets: DISCOVER } as const;
const NO_HOST: HostView = { userRuntimeDirs: [], kubelet: [] };

describe("socketCandidates", () => {
  it("with nothing set: the kubelet's endpoint, then the well-known rootful and rootless paths, per engine", () => {
    const host: HostView = {
      xdgRuntimeDir: "/run/user/0",
      userRuntimeDirs: ["/run/user/0", "/run/user/1000"],
      kubelet: [{ pid: 812, endpoint: "/run/k3s/containerd/containerd.sock", from: "flag" }],
    };
    expect(socketCandidates(DISCOVER_ALL, host).map((c) => `${c.name} ${c.source} ${c.endpoint}`)).toEqual([
      "docker well-known /run/docker.sock",
      "docker well-known /var/run/docker.sock",
      "docker well-known /run/user/0/docker.sock",
      "docker well-known /run/user/1000/docker.sock",
      "podman well-known /run/podman/podman.sock",
      "podman well-known /run/user/0/podman/podman.sock",
      "podman well-known /run/user/1000/podman/podman.sock",
      // The kubelet's path comes first, and is not listed again as well-known.
      "containerd-cri kubelet /run/k3s/containerd/containerd.sock",
      "containerd-cri well-known /run/containerd/containerd.sock",
      "containerd-cri well-known /var/snap/microk8s/common/run/containerd.sock",
      "cri-o well-known /run/crio/crio.sock",
    ]);
  });

  it("puts a kubelet's CRI-O endpoint with CRI-O", () => {
    const host: HostView = { ...NO_HOST, kubelet: [{ pid: 9, endpoint: "/var/run/crio/crio.sock", from: "config" }] };
    expect(socketCandidates({ criSockets: DISCOVER }, host)).toEqual([
      ...WELL_KNOWN_SOCKETS["containerd-cri"].map((endpoint) => ({ name: "containerd-cri", endpoint, source: "well-known" })),
      { name: "cri-o", endpoint: "/var/run/crio/crio.sock", source: "kubelet" },
      { name: "cri-o", endpoint: "/run/crio/crio.sock", source: "well-known" },
    ]);
  });

  it("uses only a setting for its engine: no kubelet, no well-known paths; CRI settings in their order", () => {
    const host: HostView = { ...NO_HOST, kubelet: [{ pid: 812, endpoint: "/run/k3s/containerd/containerd.sock", from: "flag" }] };
    const candidates = socketCandidates(
      { dockerSocket: "/srv/docker.sock", podmanSocket: DISCOVER, criSockets: ["/x/crio.sock", "/y/cri.sock", "/y/cri.sock"] },
      host,
    );
    expect(candidates).toEqual([
      { name: "docker", endpoint: "/srv/docker.sock", source: "setting" },
      { name: "podman", endpoint: "/run/podman/podman.sock", source: "well-known" },
      { name: "cri-o", endpoint: "/x/crio.sock", source: "setting" },
      // Named twice, asked twice: as before discovery.
      { name: "containerd-cri", endpoint: "/y/cri.sock", source: "setting" },
      { name: "containerd-cri", endpoint: "/y/cri.sock", source: "setting" },
    ]);
  });

  it("asks no engine whose setting is left out, nor any CRI socket when the list is set empty", () => {
    expect(socketCandidates({}, NO_HOST)).toEqual([]);
    expect(socketCandidates({ criSockets: [] }, NO_HOST)).toEqual([]);
  });
});

describe("on disk", () => {
  let dir: string;
  const servers: http.Server[] = [];

  /** A Docker Engine API that answers /version and an empty container list, on a unix socket. */
  const fakeDocker = async (socket: string, version: string) => {
    const server = http.createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url?.startsWith("/version")) res.end(JSON.stringify({ Version: version, ApiVersion: "1.41" }));
      else if (req.url?.startsWith("/containers/json")) res.end("[]");
      else res.writeHead(404).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    servers.push(server);
    return server;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "t17sock-disk-"));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("readHostView lists the numeric directories of /run/user in uid order, and $XDG_RUNTIME_DIR", () => {
    const runUser = path.join(dir, "user");
    for (const d of ["1000", "0", "42", "lost+found"]) fs.mkdirSync(path.join(runUser, d), { recursive: true });
    fs.writeFileSync(path.join(runUser, "7"), "");
    fs.mkdirSync(path.join(dir, "proc"));
    expect(readHostView({ runUser, proc: path.join(dir, "proc"), env: { XDG_RUNTIME_DIR: "/run/user/1000" } })).toEqual({
      xdgRuntimeDir: "/run/user/1000",
      userRuntimeDirs: ["0", "42", "1000"].map((uid) => path.join(runUser, uid)),
      kubelet: [],
    });
    expect(readHostView({ runUser: path.join(dir, "none"), proc: path.join(dir, "proc"), env: { XDG_RUNTIME_DIR: "relative" } })).toEqual({
      userRuntimeDirs: [],
      kubelet: [],
    });
  });

  it("socketIdentity: a socket by inode (through symlinks), a missing path by its real directory, a file as not a socket", async () => {
    const socket = path.join(dir, "engine.sock");
    await fakeDocker(socket, "1");
    fs.symlinkSync(socket, path.join(dir, "link.sock"));
    fs.symlinkSync(dir, path.join(dir, "alias"));
    fs.writeFileSync(path.join(dir, "file.sock"), "");
    expect(socketIdentity(path.join(dir, "link.sock"))).toEqual(socketIdentity(socket));
    expect(socketIdentity(socket).failure).toBeUndefined();
    expect(socketIdentity(path.join(dir, "alias/engine.sock"))).toEqual(socketIdentity(socket));
    expect(socketIdentity(path.join(dir, "alias/missing.sock"))).toEqual(socketIdentity(path.join(dir, "missing.sock")));
    expect(socketIdentity(path.join(dir, "missing.sock")).failure).toEqual({ state: "absent", detail: "ENOENT" });
    expect(socketIdentity(path.join(dir, "file.sock/x")).failure).toEqual({ state: "absent", detail: "ENOTDIR" });
    expect(socketIdentity(path.join(dir, "file.sock")).failure).toEqual({ state: "absent", detail: "ENOTSOCK" });
  });

  it("EngineLocator asks each socket once, reports every answering one with every candidate, and follows sockets as they come and go", async () => {
    const rootful = path.join(dir, "docker.sock");
    const rootless = path.join(dir, "user/1000/docker.sock");
    fs.mkdirSync(path.dirname(rootless), { recursive: true });
    await fakeDocker(rootful, "root");
    const second = await fakeDocker(rootless, "rootless");
    fs.symlinkSync(rootful, path.join(dir, "alias.sock"));
    const wellKnown: Record<RuntimeName, readonly string[]> = {
      docker: [rootful, path.join(dir, "alias.sock")],
      podman: [path.join(dir, "podman.sock")],
      "containerd-cri": [path.join(dir, "containerd.sock")],
      "cri-o": [],
    };
    const locator = new EngineLocator(
      { ...DISCOVER_ALL, engineTimeoutMs: 2000 },
      { wellKnown, hostView: () => ({ userRuntimeDirs: [path.join(dir, "user/1000")], kubelet: [] }) },
    );
    try {
      const first = await locator.probe(2000);
      expect(first.map((r) => [r.name, r.state, r.endpoint, r.source, r.version])).toEqual([
        ["docker", "ok", rootful, "well-known", "root"],
        ["docker", "ok", rootless, "well-known", "rootless"],
        ["podman", "absent", path.join(dir, "podman.sock"), "well-known", undefined],
        ["containerd-cri", "absent", path.join(dir, "containerd.sock"), "well-known", undefined],
      ]);
      expect(first[0]?.candidates).toEqual([
        { endpoint: rootful, source: "well-known", state: "ok" },
        { endpoint: path.join(dir, "alias.sock"), source: "well-known", state: "ok", sameAs: rootful },
        { endpoint: rootless, source: "well-known", state: "ok" },
      ]);
      expect(first[1]?.candidates).toEqual(first[0]?.candidates);
      expect(first[2]?.candidates).toEqual([
        { endpoint: path.join(dir, "podman.sock"), source: "well-known", state: "absent", detail: "ENOENT" },
        { endpoint: path.join(dir, "user/1000/podman/podman.sock"), source: "well-known", state: "absent", detail: "ENOENT" },
      ]);

      // The rootless engine stops (its socket goes): the next pass no longer asks it.
      await new Promise((resolve) => second.close(resolve));
      const after = await locator.collect(2000);
      expect(after.runtimes.filter((r) => r.name === "docker").map((r) => [r.state, r.endpoint])).toEqual([["ok", rootful]]);
      expect(after.runtimes[0]?.candidates?.at(-1)).toEqual({ endpoint: rootless, source: "well-known", state: "absent", detail: "ENOENT" });
      expect(after.workloads).toEqual([]);
    } finally {
      locator.close();
    }
  });

  it("EngineLocator asks a setting as it is, even missing, and reports it without candidates", async () => {
    const missing = path.join(dir, "missing.sock");
    const locator = new EngineLocator({ dockerSocket: `/${missing.slice(1)}`, engineTimeoutMs: 500 });
    try {
      const [docker, ...rest] = await locator.probe(500);
      expect(rest).toEqual([]);
      expect(docker).toEqual(
        makeRuntimeStatus({ name: "docker", endpoint: missing, state: "absent", detail: "ENOENT", latencyMs: docker?.latencyMs ?? -1, source: "setting" }),
      );
    } finally {
      locator.close();
    }
  });
});

describe("groupBySocket and reportGroups", () => {
  const identities: Record<string, { key: string; failure?: { state: "absent"; detail: string } }> = {
    "/run/docker.sock": { key: "podman-socket" },
    "/var/run/docker.sock": { key: "podman-socket" },
    "/run/podman/podman.sock": { key: "podman-socket" },
    "/run/user/1000/docker.sock": { key: "a", failure: { state: "absent", detail: "ENOENT" } },
    "/run/containerd/containerd.sock": { key: "c" },
    "/run/k3s/containerd/containerd.sock": { key: "k", failure: { state: "absent", detail: "ENOENT" } },
    "/srv/set.sock": { key: "c" },
  };
  const identify = (endpoint: string) => identities[endpoint] ?? { key: endpoint, failure: { state: "absent" as const, detail: "ENOENT" } };
  const status = (group: SocketGroup, state: RuntimeStatus["state"]) =>
    makeRuntimeStatus({ name: group.lead.name, endpoint: group.lead.endpoint, state, latencyMs: 1, ...(state === "ok" ? {} : { detail: "X" }) });

  it("gives a socket that is podman's and also at /run/docker.sock (podman-docker) to podman, and asks it once", () => {
    const host: HostView = { userRuntimeDirs: ["/run/user/1000"], kubelet: [] };
    const groups = groupBySocket(socketCandidates({ dockerSocket: DISCOVER, podmanSocket: DISCOVER }, host), identify);
    expect(groups.map((g) => [g.lead.name, g.lead.endpoint, g.same.map((s) => s.endpoint), g.unasked?.detail])).toEqual([
      ["docker", "/run/user/1000/docker.sock", [], "ENOENT"],
      ["podman", "/run/podman/podman.sock", ["/run/docker.sock", "/var/run/docker.sock"], undefined],
      ["podman", "/run/user/1000/podman/podman.sock", [], "ENOENT"],
    ]);
    const report = reportGroups(
      groups,
      (g) => status(g, g.unasked === undefined ? "ok" : "absent"),
      () => false,
    );
    expect(report.map((r) => [r.name, r.state, r.endpoint])).toEqual([
      ["docker", "absent", "/run/user/1000/docker.sock"],
      ["podman", "ok", "/run/podman/podman.sock"],
    ]);
    expect(report[1]?.candidates?.map((c) => [c.endpoint, c.state, c.sameAs])).toEqual([
      ["/run/podman/podman.sock", "ok", undefined],
      ["/run/docker.sock", "ok", "/run/podman/podman.sock"],
      ["/var/run/docker.sock", "ok", "/run/podman/podman.sock"],
      ["/run/user/1000/podman/podman.sock", "absent", undefined],
    ]);
  });

  it("does not ask a discovered path again when a setting names the same socket", () => {
    const groups = groupBySocket(socketCandidates({ criSockets: ["/srv/set.sock"], podmanSocket: DISCOVER }, NO_HOST), identify);
    expect(groups.map((g) => [g.lead.source, g.lead.endpoint])).toEqual([
      ["well-known", "/run/podman/podman.sock"],
      ["setting", "/srv/set.sock"],
    ]);
    const containerd = groupBySocket(
      [
        { name: "containerd-cri", endpoint: "/srv/set.sock", source: "setting" },
        { name: "containerd-cri", endpoint: "/run/containerd/containerd.sock", source: "well-known" },
      ],
      identify,
    );
    expect(containerd.map((g) => [g.lead.endpoint, g.same.map((s) => s.endpoint)])).toEqual([["/srv/set.sock", ["/run/containerd/containerd.sock"]]]);
  });

  it("reports every socket that answers or answered before; when there is none, the first that exists, else the first", () => {
    const groups = groupBySocket(
      [
        { name: "containerd-cri", endpoint: "/run/k3s/containerd/containerd.sock", source: "kubelet" },
        { name: "containerd-cri", endpoint: "/run/containerd/containerd.sock", source: "well-known" },
        { name: "containerd-cri", endpoint: "/nowhere.sock", source: "well-known" },
      ],
      identify,
    );
    const failing = (g: SocketGroup) => status(g, g.unasked === undefined ? "timeout" : "absent");
    expect(reportGroups(groups, failing, () => false).map((r) => [r.endpoint, r.state, r.source])).toEqual([
      ["/run/containerd/containerd.sock", "timeout", "well-known"],
    ]);
    expect(reportGroups(groups, failing, (e) => e === "/nowhere.sock").map((r) => r.endpoint)).toEqual(["/nowhere.sock"]);
    // One that answered before stays reported next to one that answers (the watch reports it stopped).
    const answering = (g: SocketGroup) => status(g, g.lead.endpoint === "/run/containerd/containerd.sock" ? "ok" : "absent");
    expect(reportGroups(groups, answering, (e) => e === "/nowhere.sock").map((r) => [r.endpoint, r.state])).toEqual([
      ["/run/containerd/containerd.sock", "ok"],
      ["/nowhere.sock", "absent"],
    ]);
    expect(reportGroups(groups, answering, () => false).map((r) => r.endpoint)).toEqual(["/run/containerd/containerd.sock"]);
    const allMissing = groups.filter((g) => g.unasked !== undefined);
    expect(reportGroups(allMissing, failing, () => false).map((r) => [r.endpoint, r.source])).toEqual([["/run/k3s/containerd/containerd.sock", "kubelet"]]);
  });
});
