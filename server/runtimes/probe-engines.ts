import type { Config } from "../config";
import type { RuntimeStatus } from "../contract/runtime-status";
import { answeringEngineStatus, failedEngineStatus } from "./classify-engine-error";
import { createCriRuntime } from "./cri-runtime";
import { withDeadline } from "./deadline";
import { createDockerApiRuntime } from "./docker-runtime";
import { createPodmanRuntime } from "./podman-runtime";
import type { RuntimeAdapter } from "./runtime";

/** Every engine endpoint the configuration names, as adapters (none when no socket is configured). */
export function engineAdapters(
  config: Pick<Config, "engineTimeoutMs"> & Partial<Pick<Config, "dockerSocket" | "podmanSocket" | "criSockets">>,
): RuntimeAdapter[] {
  const timeoutMs = config.engineTimeoutMs;
  return [
    ...(config.dockerSocket ? [createDockerApiRuntime({ name: "docker", socketPath: config.dockerSocket, timeoutMs })] : []),
    ...(config.podmanSocket ? [createPodmanRuntime({ socketPath: config.podmanSocket, timeoutMs })] : []),
    ...(config.criSockets ?? []).map((socketPath) => createCriRuntime({ socketPath, timeoutMs })),
  ];
}

/** Asks one engine for its version within the deadline; never throws. */
async function probeEngine(adapter: RuntimeAdapter, deadlineMs: number): Promise<RuntimeStatus> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const answer = await withDeadline(deadlineMs, (signal) => adapter.version(signal));
    return answeringEngineStatus({ name: answer.name, endpoint: adapter.endpoint, timeoutMs: deadlineMs, latencyMs: latency() }, answer.version);
  } catch (err) {
    // Every failure becomes a documented state (and a log line): a probe never throws.
    return failedEngineStatus({ name: adapter.name, endpoint: adapter.endpoint, timeoutMs: deadlineMs, latencyMs: latency() }, err);
  }
}

/** Probes all engines concurrently: the slowest one bounds the wait, at most one deadline. */
export async function probeEngines(config: Config): Promise<RuntimeStatus[]> {
  const adapters = engineAdapters(config);
  try {
    return await Promise.all(adapters.map((a) => probeEngine(a, config.engineTimeoutMs)));
  } finally {
    for (const a of adapters) a.close();
  }
}
