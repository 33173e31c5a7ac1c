import type { LabConfig } from "../lab-config";
import { readState, writeState } from "../lab-state";
import { removeNsfsFile, startDetached, stopProcess } from "../processes";
import { hasCommand, run, tryRun, waitFor } from "../sh";

export const DOCKER_SOCKET = "/var/run/docker.sock";
const DOCKER_DEFAULT_NETNS = "/run/docker/netns/default";

export function dockerAnswers(): boolean {
  return tryRun("docker", ["-H", `unix://${DOCKER_SOCKET}`, "version", "--format", "{{.Server.Version}}"], { timeoutMs: 10_000 }).ok;
}

export function dockerServerVersion(): string {
  return run("docker", ["version", "--format", "{{.Server.Version}}"]).trim();
}

/** Uses a running dockerd, or starts one (and remembers what its start changes, for lab:down). */
export async function ensureDockerd(config: LabConfig): Promise<{ startedByLab: boolean }> {
  if (dockerAnswers()) return { startedByLab: readState(config).dockerd !== undefined };
  if (!hasCommand("dockerd")) throw new Error("dockerd not found: apt-get install docker.io");
  const hadDocker0 = tryRun("ip", ["link", "show", "docker0"]).ok;
  const hadDockerChains = tryRun("iptables", ["-S", "DOCKER"]).ok;
  const forwardPolicy = /-P FORWARD (\w+)/.exec(run("iptables", ["-S", "FORWARD"]))?.[1] ?? "ACCEPT";
  const proc = startDetached(config, "dockerd", "dockerd", []);
  writeState(config, { ...readState(config), dockerd: { pid: proc.pid, hadDocker0, hadDockerChains, forwardPolicy } });
  await waitFor("dockerd to answer", 60_000, dockerAnswers);
  return { startedByLab: true };
}

/** Stops dockerd if the lab started it, and removes the bridge and iptables chains its start created. */
export async function stopDockerdIfOurs(config: LabConfig): Promise<void> {
  const state = readState(config);
  const ours = state.dockerd;
  if (ours === undefined) return;
  const proc = state.processes.find((p) => p.role === "dockerd");
  if (proc !== undefined) await stopProcess(proc, 20_000);
  if (!ours.hadDocker0) tryRun("ip", ["link", "del", "docker0"]);
  // dockerd bind-mounts the host netns here at start and leaves it when it stops.
  removeNsfsFile(DOCKER_DEFAULT_NETNS);
  if (!ours.hadDockerChains) removeDockerIptables();
  tryRun("iptables", ["-P", "FORWARD", ours.forwardPolicy]);
  const { dockerd: _stopped, ...rest } = readState(config);
  writeState(config, { ...rest, processes: rest.processes.filter((p) => p.role !== "dockerd") });
}

/** Deletes every rule that mentions Docker's chains or docker0, then Docker's own chains. */
function removeDockerIptables(): void {
  for (const table of ["filter", "nat"]) {
    const rules = tryRun("iptables", ["-t", table, "-S"]).out.split("\n");
    for (const rule of rules) {
      if (!rule.startsWith("-A ") || !/DOCKER|docker0/.test(rule)) continue;
      const [, chain, ...rest] = rule.split(" ");
      if (chain !== undefined && !chain.startsWith("DOCKER")) tryRun("iptables", ["-t", table, "-D", chain, ...rest]);
    }
    const chains = rules.filter((r) => r.startsWith("-N DOCKER")).map((r) => r.slice(3));
    for (const chain of chains) tryRun("iptables", ["-t", table, "-F", chain]);
    for (const chain of chains) tryRun("iptables", ["-t", table, "-X", chain]);
  }
}
