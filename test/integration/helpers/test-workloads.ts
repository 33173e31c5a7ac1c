/**
 * Workloads a test makes for itself: names carry the lab prefix plus the test's tag, containers the
 * lab label, so `lab:down` finds them even when a test crashed before its own cleanup.
 */
import { createHash } from "node:crypto";
import { labConfig, stableUuid } from "../../lab/lab-config";
import { netnsInode } from "../../lab/processes";
import { run, tryRun } from "../../lab/sh";

const config = labConfig();
const SLEEP = ["sleep", "2147483647"];

export class TestWorkloads {
  private readonly containers: string[] = [];
  private readonly namespaces: string[] = [];
  private readonly hostLinks: string[] = [];

  constructor(readonly tag: string) {}

  /** "<prefix>-<tag><suffix>": short enough for an interface name when tag and suffix are. */
  name(suffix: string): string {
    return `${config.prefix}-${this.tag}${suffix}`;
  }

  /** A container on the lab's pod network; returns its netns inode. */
  container(suffix: string, extra: string[] = []): { name: string; inode: string } {
    const name = this.name(suffix);
    this.containers.push(name);
    run("docker", ["run", "-d", "--name", name, "--label", config.label, "--network", `${config.prefix}-pods`, ...extra, config.image.docker, ...SLEEP]);
    return { name, inode: this.sandboxInode(name) };
  }

  /** A dockershim-style pod sandbox (pause container with the io.kubernetes labels), in Kubernetes namespace `<prefix>-<tag>`. */
  pod(podName: string): { namespace: string; name: string; pause: string; inode: string } {
    const namespace = this.name("");
    const uid = stableUuid(`${namespace}/${podName}`, (s) => createHash("sha256").update(s).digest("hex"));
    const labels = [
      "io.kubernetes.pod.name",
      podName,
      "io.kubernetes.pod.namespace",
      namespace,
      "io.kubernetes.pod.uid",
      uid,
      "io.kubernetes.docker.type",
      "podsandbox",
    ];
    const pause = `k8s_POD_${podName}_${namespace}_${uid}_0`;
    this.containers.push(pause);
    run("docker", [
      "run",
      "-d",
      "--name",
      pause,
      "--label",
      config.label,
      ...labels.flatMap((v, i) => (i % 2 === 0 ? ["--label", `${v}=${labels[i + 1]}`] : [])),
      "--network",
      `${config.prefix}-pods`,
      config.image.docker,
      ...SLEEP,
    ]);
    return { namespace, name: podName, pause, inode: this.sandboxInode(pause) };
  }

  private sandboxInode(container: string): string {
    const key = run("docker", ["inspect", "-f", "{{.NetworkSettings.SandboxKey}}", container]).trim();
    return netnsInode(key);
  }

  /** An `ip netns` namespace; returns its inode. */
  netns(suffix: string): { name: string; inode: string } {
    const name = this.name(suffix);
    this.namespaces.push(name);
    run("ip", ["netns", "add", name]);
    run("ip", ["-n", name, "link", "set", "lo", "up"]);
    return { name, inode: netnsInode(`/run/netns/${name}`) };
  }

  /** A host-side link the test made (removed in cleanup if still there). */
  hostLink(name: string): string {
    this.hostLinks.push(name);
    return name;
  }

  cleanup(): void {
    if (this.containers.length > 0) tryRun("docker", ["rm", "-f", ...this.containers]);
    for (const n of this.namespaces) tryRun("ip", ["netns", "del", n]);
    for (const l of this.hostLinks) tryRun("ip", ["link", "del", l]);
    this.containers.length = 0;
    this.namespaces.length = 0;
    this.hostLinks.length = 0;
  }
}
