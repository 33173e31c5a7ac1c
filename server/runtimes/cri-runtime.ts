import * as z from "zod";
import { CriClient } from "./cri/cri-client";
import {
  criContainerListSchema,
  criSandboxListSchema,
  criSandboxStatusSchema,
  mapCriContainer,
  mapCriSandbox,
  mapSandboxInfo,
  type SandboxRuntimeInfo,
} from "./map-cri";
import type { RuntimeAdapter, RuntimeName } from "./runtime";

const versionSchema = z.object({ runtimeName: z.string(), runtimeVersion: z.string() });

/**
 * An adapter for a Kubernetes CRI endpoint (containerd's CRI plugin or CRI-O). It asks the runtime
 * directly (ListPodSandbox, PodSandboxStatus, ListContainers), so it does not depend on the kubelet
 * or its Evented PLEG. A sandbox's pid and netns file do not change for its life: asked once each.
 */
export function createCriRuntime(options: { socketPath: string; timeoutMs: number }): RuntimeAdapter {
  const client = new CriClient(options.socketPath);
  let name: RuntimeName = options.socketPath.includes("crio") ? "cri-o" : "containerd-cri";
  const sandboxInfo = new Map<string, SandboxRuntimeInfo>();
  let isNameKnown = false;
  return {
    get name() {
      return name;
    },
    endpoint: options.socketPath,
    async version(signal) {
      const answer = versionSchema.parse(await client.call("Version", { version: "v1" }, options.timeoutMs, signal));
      name = answer.runtimeName === "cri-o" ? "cri-o" : "containerd-cri";
      isNameKnown = true;
      return { name, version: `${answer.runtimeName} ${answer.runtimeVersion}` };
    },
    async listWorkloads(signal) {
      if (!isNameKnown) await this.version(signal); // which runtime answers here: once

      const ready = { filter: { state: { state: "SANDBOX_READY" } } };
      const running = { filter: { state: { state: "CONTAINER_RUNNING" } } };
      const [sandboxes, containers] = await Promise.all([
        client.call("ListPodSandbox", ready, options.timeoutMs, signal).then((r) => criSandboxListSchema.parse(r).items),
        client.call("ListContainers", running, options.timeoutMs, signal).then((r) => criContainerListSchema.parse(r).containers),
      ]);
      const live = new Set(sandboxes.map((s) => s.id));
      for (const id of sandboxInfo.keys()) if (!live.has(id)) sandboxInfo.delete(id);
      await Promise.all(
        sandboxes
          .filter((s) => !sandboxInfo.has(s.id))
          .map(async (s) => {
            const status = criSandboxStatusSchema.parse(
              await client.call("PodSandboxStatus", { podSandboxId: s.id, verbose: true }, options.timeoutMs, signal),
            );
            sandboxInfo.set(s.id, mapSandboxInfo(status));
          }),
      );
      return [...sandboxes.map((s) => mapCriSandbox(name, s, sandboxInfo.get(s.id) ?? {})), ...containers.map((c) => mapCriContainer(name, c))];
    },
    close() {
      client.close();
    },
  };
}
