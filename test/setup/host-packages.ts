import fs from "node:fs";
import { hasCommand, run } from "../lab/sh";

/** Debian packages the lab and the browser tests need, each with how to tell it is there. */
const NEEDS: Array<{ pkg: string; present: () => boolean }> = [
  { pkg: "iproute2", present: () => hasCommand("ip") },
  { pkg: "util-linux", present: () => hasCommand("nsenter") && hasCommand("unshare") },
  // Packet capture runs tcpdump inside a namespace (server/capture/).
  { pkg: "tcpdump", present: () => hasCommand("tcpdump") },
  { pkg: "iptables", present: () => hasCommand("iptables") },
  { pkg: "docker.io", present: () => hasCommand("dockerd") },
  { pkg: "busybox-static", present: () => fs.existsSync("/bin/busybox") },
  { pkg: "containerd", present: () => hasCommand("containerd") && hasCommand("ctr") && hasCommand("runc") },
  { pkg: "containernetworking-plugins", present: () => fs.existsSync("/usr/lib/cni/bridge") },
  { pkg: "podman", present: () => hasCommand("podman") },
  { pkg: "chromium", present: () => fs.existsSync("/usr/bin/chromium") },
  // dnsmasq answers the simulated cluster's headless-Service name (test/cluster/hub.ts).
  { pkg: "dnsmasq-base", present: () => hasCommand("dnsmasq") },
  // systemd-analyze verifies the unit in deploy/systemd (no running systemd needed).
  { pkg: "systemd", present: () => hasCommand("systemd-analyze") },
  // The image test runs deploy/compose.yaml with it.
  { pkg: "docker-compose", present: () => hasCommand("docker-compose") },
  // promtool checks the /metrics text in the tests.
  { pkg: "prometheus", present: () => hasCommand("promtool") },
];

export const HOST_PACKAGES = NEEDS.map((n) => n.pkg);

/** Installs what is missing from Debian's archive (a no-op when everything is there). */
export function ensureHostPackages(): void {
  const missing = NEEDS.filter((n) => !n.present()).map((n) => n.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing packages ${missing.join(" ")}; install them as root`);
  console.log(`setup: installing ${missing.join(" ")} from Debian's archive`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], { env, timeoutMs: 600_000 });
  run("apt-get", ["install", "-y", "-qq", ...missing], { env, timeoutMs: 1_200_000 });
}
