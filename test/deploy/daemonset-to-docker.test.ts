import { describe, expect, it } from "vitest";
import { dockerRunArgsFromDaemonSet, parseQuantity } from "./daemonset-to-docker";
import { BASE_DIR, OPENSHIFT_DIR, parseObjects, renderKustomize, type KubeObject } from "./kubernetes/render";

const TOKEN = "t0ken-of-at-least-16-chars";
const secrets = { "nsatlas-token": { token: TOKEN } };

/** The flag values that follow each occurrence of `flag`. */
function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag && args[i + 1] !== undefined ? [args[i + 1] ?? ""] : []));
}

describe("dockerRunArgsFromDaemonSet", () => {
  const { objects } = renderKustomize(BASE_DIR);

  it("derives the agent's docker run from the rendered DaemonSet", () => {
    expect(dockerRunArgsFromDaemonSet(objects, { nodeName: "node-a", secrets })).toEqual([
      "--pid",
      "host",
      "--network",
      "host",
      "--stop-timeout",
      "10",
      "--user",
      "0:0",
      "--security-opt",
      "no-new-privileges",
      "--read-only",
      "--cap-drop",
      "ALL",
      "--cap-add",
      "SYS_ADMIN",
      "--cap-add",
      "SYS_PTRACE",
      "--cap-add",
      "NET_BROADCAST",
      "--cap-add",
      "DAC_READ_SEARCH",
      "-v",
      "/run:/run:ro,rslave",
      "-v",
      "/var/lib/nsatlas:/var/lib/nsatlas",
      "--tmpfs",
      `/tmp:size=${64 * 1024 * 1024}`,
      "-e",
      "NSATLAS_NODE_NAME=node-a",
      "-e",
      `NSATLAS_TOKEN=${TOKEN}`,
      "-e",
      "NSATLAS_DATA_DIR=/var/lib/nsatlas",
      "--memory",
      String(256 * 1024 * 1024),
      "--entrypoint",
      "nsatlas",
      "nsatlas:latest",
      "agent",
      "--listen",
      "0.0.0.0:7471",
    ]);
  });

  it("takes the caller's flags first, another image and another data directory", () => {
    const args = dockerRunArgsFromDaemonSet(objects, {
      nodeName: "node-b",
      secrets,
      image: "nsatlas:test",
      hostPaths: { "/var/lib/nsatlas": "/tmp/agent-data" },
      extraFlags: ["--rm", "-d", "--name", "nsatlas-agent"],
    });
    expect(args.slice(0, 4)).toEqual(["--rm", "-d", "--name", "nsatlas-agent"]);
    expect(valuesOf(args, "-v")).toEqual(["/run:/run:ro,rslave", "/tmp/agent-data:/var/lib/nsatlas"]);
    expect(args.slice(args.indexOf("nsatlas:test"))).toEqual(["nsatlas:test", "agent", "--listen", "0.0.0.0:7471"]);
    expect(valuesOf(args, "-e")).toContain("NSATLAS_NODE_NAME=node-b");
  });

  it("carries the OpenShift overlay's SELinux type", () => {
    const args = dockerRunArgsFromDaemonSet(renderKustomize(OPENSHIFT_DIR).objects, { nodeName: "n", secrets });
    expect(valuesOf(args, "--security-opt")).toEqual(["no-new-privileges", "label=type:spc_t"]);
  });

  it("refuses what it cannot translate faithfully, and a missing secret", () => {
    expect(() => dockerRunArgsFromDaemonSet(objects, { nodeName: "n" })).toThrow(/NSATLAS_TOKEN reads key token of Secret nsatlas-token/);
    const ds = objects.find((o) => o.kind === "DaemonSet");
    if (ds === undefined) throw new Error("no DaemonSet");
    const withVolume = (volume: object): KubeObject[] => {
      const copy = structuredClone(ds);
      const spec = (copy.spec as { template: { spec: { volumes: Array<Record<string, unknown>> } } }).template.spec;
      const tmp = spec.volumes.find((v) => v.name === "tmp");
      if (tmp === undefined) throw new Error("no tmp volume");
      delete tmp.emptyDir;
      Object.assign(tmp, volume);
      return parseObjects(JSON.stringify(copy), "changed");
    };
    expect(() => dockerRunArgsFromDaemonSet(withVolume({ configMap: { name: "x" } }), { nodeName: "n", secrets })).toThrow(/configMap volume tmp/);
    expect(() => dockerRunArgsFromDaemonSet([], { nodeName: "n" })).toThrow(/expected one DaemonSet/);
  });

  it("reads Kubernetes quantities", () => {
    expect(parseQuantity("64Mi")).toBe(67_108_864);
    expect(parseQuantity("500m")).toBe(0.5);
    expect(parseQuantity("1G")).toBe(1e9);
    expect(parseQuantity(2)).toBe(2);
    expect(() => parseQuantity("12 bananas")).toThrow(/not a Kubernetes quantity/);
  });
});
