import fs from "node:fs";
import path from "node:path";
import { busyboxRootfsTar } from "./busybox-rootfs";
import { deleteHostLinks } from "./host-links";
import { manifestPath, type LabConfig } from "./lab-config";
import { readState, writeState } from "./lab-state";
import { labManifestSchema, readManifest, type LabManifest } from "./manifest";
import { ociImageTar } from "./oci-image";
import { criDown, criUp } from "./parts/containerd-cri";
import { DOCKER_SOCKET, dockerAnswers, dockerServerVersion, ensureDockerd, stopDockerdIfOurs } from "./parts/docker-engine";
import { dockerImageUp, dockerWorkloadsDown, dockerWorkloadsUp } from "./parts/docker-workloads";
import { plainDown, plainUp } from "./parts/plain-netns";
import { podmanDown, podmanUp } from "./parts/podman";
import { netnsInode } from "./processes";

function step<T>(name: string, work: () => T): T {
  const started = Date.now();
  const result = work();
  const report = () => console.log(`lab: ${name} (${Date.now() - started} ms)`);
  if (result instanceof Promise) return result.finally(report) as T;
  report();
  return result;
}

/**
 * Builds the whole lab: plain namespaces, Docker containers and dockershim pods, containerd CRI
 * pods and a podman pod. Starts from a clean slate (so it is idempotent) and tears everything down
 * again if any part fails. Returns the manifest it wrote.
 */
export async function labUp(config: LabConfig): Promise<LabManifest> {
  const started = Date.now();
  await labDown(config, { keepDockerd: true });
  fs.mkdirSync(config.stateDir, { recursive: true });
  try {
    const work = path.join(config.dataDir, "images");
    fs.mkdirSync(work, { recursive: true });
    const rootfs = step("busybox rootfs", () => busyboxRootfsTar(work));
    const ociImages = step("OCI images", () => [
      ociImageTar(work, rootfs, config.image.oci, ["/bin/sh"]),
      ociImageTar(work, rootfs, config.image.ociPause, ["sleep", "2147483647"]),
    ]);
    const plain = await step("plain namespaces", () => plainUp(config));
    const engine = await step("dockerd", () => ensureDockerd(config));
    // The first down could not ask a dockerd that had died with an earlier lab's containers in it.
    if (engine.startedByLab) dockerWorkloadsDown(config);
    step("docker image", () => dockerImageUp(config, rootfs));
    const docker = step("docker containers and pods", () => dockerWorkloadsUp(config));
    const cri = await step("containerd CRI pods", () => criUp(config, ociImages));
    const podman = await step("podman pod", () => podmanUp(config, ociImages));
    const manifest = labManifestSchema.parse({
      prefix: config.prefix,
      label: config.label,
      createdAt: new Date().toISOString(),
      upMs: Date.now() - started,
      hostInode: netnsInode("/proc/self/ns/net"),
      engines: {
        docker: { socket: DOCKER_SOCKET, version: dockerServerVersion(), startedByLab: engine.startedByLab },
        containerd: { socket: cri.socket, version: cri.version },
        podman: { socket: podman.socket, version: podman.version },
      },
      hostInterfaces: [...plain.hostInterfaces, ...docker.hostInterfaces],
      hostNetworkContainers: docker.hostNetworkContainers,
      netns: [...plain.netns, ...docker.netns, ...cri.netns, ...podman.netns],
    });
    fs.writeFileSync(manifestPath(config), JSON.stringify(manifest, null, 2));
    console.log(`lab: up in ${manifest.upMs} ms, ${manifest.netns.length} namespaces, manifest ${manifestPath(config)}`);
    return manifest;
  } catch (err) {
    console.error(`lab: up failed, tearing down: ${err instanceof Error ? err.message : String(err)}`);
    await labDown(config);
    throw err;
  }
}

/**
 * Removes everything the lab made, found by prefix, label and the state file, so it works after a
 * failed or half-finished up. `keepDockerd` leaves a dockerd the lab started running (used by up).
 */
export async function labDown(config: LabConfig, options: { keepDockerd?: boolean } = {}): Promise<void> {
  const started = Date.now();
  const file = manifestPath(config);
  const leftoverPaths = fs.existsSync(file) ? safeManifestPaths(file) : [];
  await podmanDown(config);
  await criDown(
    config,
    leftoverPaths.filter((p) => p.startsWith("/run/netns/cni-") || p.startsWith("/var/run/netns/cni-")),
  );
  if (dockerAnswers()) dockerWorkloadsDown(config);
  await plainDown(config);
  deleteHostLinks(config.prefix);
  if (!options.keepDockerd) await stopDockerdIfOurs(config);
  fs.rmSync(file, { force: true });
  const state = readState(config);
  if (state.processes.length === 0 && state.dockerd === undefined && !state.runNetnsMountedByLab) {
    for (const dir of [config.stateDir, config.dataDir]) {
      fs.rmSync(dir, { recursive: true, force: true });
      removeIfEmpty(path.dirname(dir));
    }
  } else {
    writeState(config, state);
  }
  console.log(`lab: down in ${Date.now() - started} ms`);
}

function removeIfEmpty(dir: string): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}

function safeManifestPaths(file: string): string[] {
  try {
    return readManifest(file).netns.flatMap((n) => n.paths);
  } catch {
    return [];
  }
}
