import { describe, expect, it } from "vitest";
import { ConfigError, DISCOVER, parseConfig } from "../../server/config";

describe("parseConfig", () => {
  it("listens beyond loopback only with a token", () => {
    expect(parseConfig({ NSATLAS_HOST: "0.0.0.0", NSATLAS_TOKEN: "a-long-enough-secret" }).token).toBe("a-long-enough-secret");
    expect(parseConfig({ NSATLAS_HOST: "127.0.0.2" }).token).toBeUndefined();
    expect(parseConfig({ NSATLAS_HOST: "::1" }).host).toBe("::1");
  });

  it("defaults to loopback:3000 and engine sockets discovered", () => {
    expect(parseConfig({})).toEqual({
      host: "127.0.0.1",
      port: 3000,
      dockerSocket: DISCOVER,
      podmanSocket: DISCOVER,
      criSockets: DISCOVER,
      engineTimeoutMs: 2000,
      engineRefreshMs: 5000,
      snapshotTtlMs: 2000,
      scanFds: true,
      watchChanges: true,
      fdScanIntervalMs: 30_000,
      threadScanIntervalMs: 30_000,
      dataDir: "/var/lib/nsatlas",
      recordIntervalMs: 30_000,
      historyMaxAgeMs: 72 * 3_600_000,
      historyMaxBytes: 256 * 1024 * 1024,
      importMaxBytes: 32 * 1024 * 1024,
      allowExpose: false,
      token: undefined,
      nodeName: undefined,
      scanIntervalMs: 10_000,
      trustedProxies: [],
      logLevel: "info",
      capture: false,
    });
  });

  it("takes trusted proxies as a CIDR list and a log level", () => {
    const config = parseConfig({ NSATLAS_TRUSTED_PROXIES: "10.0.0.0/8, fd00::/8,192.0.2.9", NSATLAS_LOG_LEVEL: "debug" });
    expect(config.trustedProxies).toEqual(["10.0.0.0/8", "fd00::/8", "192.0.2.9"]);
    expect(config.logLevel).toBe("debug");
  });

  it("takes DOCKER_HOST over the socket setting and splits the CRI list", () => {
    const config = parseConfig({
      DOCKER_HOST: "unix:///tmp/d.sock",
      NSATLAS_DOCKER_SOCKET: "/x.sock",
      NSATLAS_CRI_SOCKETS: " /a.sock, ,/b.sock ",
      PORT: "8080",
    });
    expect(config.dockerSocket).toBe("/tmp/d.sock");
    expect(config.criSockets).toEqual(["/a.sock", "/b.sock"]);
    expect(config.port).toBe(8080);
  });

  it("uses an engine's setting when set, and discovers the others", () => {
    expect(parseConfig({ NSATLAS_PODMAN_SOCKET: "/run/user/1000/podman/podman.sock" })).toMatchObject({
      dockerSocket: DISCOVER,
      podmanSocket: "/run/user/1000/podman/podman.sock",
      criSockets: DISCOVER,
    });
    expect(parseConfig({ NSATLAS_DOCKER_SOCKET: "/var/run/docker.sock", NSATLAS_CRI_SOCKETS: "/run/k3s/containerd/containerd.sock" })).toMatchObject({
      dockerSocket: "/var/run/docker.sock",
      podmanSocket: DISCOVER,
      criSockets: ["/run/k3s/containerd/containerd.sock"],
    });
    // DOCKER_HOST is Docker's setting too; an empty one counts as unset.
    expect(parseConfig({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" }).dockerSocket).toBe("/run/user/1000/docker.sock");
    expect(parseConfig({ DOCKER_HOST: "" }).dockerSocket).toBe(DISCOVER);
    // A CRI list set but empty asks no CRI runtime at all, as before discovery.
    expect(parseConfig({ NSATLAS_CRI_SOCKETS: "" }).criSockets).toEqual([]);
  });

  it.each([
    [{ PORT: "70000" }, "PORT"],
    [{ PORT: "web" }, "PORT"],
    [{ NSATLAS_CRI_SOCKETS: "relative.sock" }, "NSATLAS_CRI_SOCKETS"],
    [{ DOCKER_HOST: "tcp://10.0.0.1:2375" }, "only unix://"],
    [{ DOCKER_HOST: "unix://docker.sock" }, "DOCKER_HOST"],
    [{ NSATLAS_DOCKER_SOCKET: "docker.sock" }, "NSATLAS_DOCKER_SOCKET"],
    [{ NSATLAS_PODMAN_SOCKET: "" }, "NSATLAS_PODMAN_SOCKET"],
    [{ NSATLAS_ENGINE_TIMEOUT_MS: "0" }, "NSATLAS_ENGINE_TIMEOUT_MS"],
    [{ NSATLAS_DATA_DIR: "data" }, "NSATLAS_DATA_DIR"],
    [{ NSATLAS_ALLOW_EXPOSE: "yes" }, "NSATLAS_ALLOW_EXPOSE"],
    [{ NSATLAS_HOST: "0.0.0.0" }, "NSATLAS_TOKEN"],
    [{ NSATLAS_HOST: "10.1.2.3", NSATLAS_TOKEN: "short" }, "16 characters"],
    [{ NSATLAS_TRUSTED_PROXIES: "10.0.0.0/33" }, "NSATLAS_TRUSTED_PROXIES"],
    [{ NSATLAS_TRUSTED_PROXIES: "proxy.example" }, "NSATLAS_TRUSTED_PROXIES"],
    [{ NSATLAS_LOG_LEVEL: "verbose" }, "NSATLAS_LOG_LEVEL"],
  ])("rejects %o with a message naming the setting", (env, fragment) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(fragment);
  });
});
