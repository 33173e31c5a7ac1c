import { z } from "zod";
import { CriClient } from "./cri/cri-client";
import type { RuntimeAdapter, RuntimeName } from "./runtime";

const versionSchema = z.object({ runtimeName: z.string(), runtimeVersion: z.string() });

/** An adapter for a Kubernetes CRI endpoint (containerd's CRI plugin or CRI-O). */
export function createCriRuntime(options: { socketPath: string; timeoutMs: number }): RuntimeAdapter {
  const client = new CriClient(options.socketPath);
  const expected: RuntimeName = options.socketPath.includes("crio") ? "cri-o" : "containerd-cri";
  return {
    name: expected,
    endpoint: options.socketPath,
    async version(signal) {
      const raw = await client.call("Version", { version: "v1" }, options.timeoutMs, signal);
      const answer = versionSchema.parse(raw);
      const name: RuntimeName = answer.runtimeName === "cri-o" ? "cri-o" : "containerd-cri";
      return { name, version: `${answer.runtimeName} ${answer.runtimeVersion}` };
    },
    close() {
      client.close();
    },
  };
}
