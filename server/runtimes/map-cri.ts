import * as z from "zod";
import { shortId } from "../contract/display";
import { errorFields, logger } from "../log/logger";
import type { RuntimeName } from "./runtime";
import type { Workload } from "./workload";

const metadata = z.object({ name: z.string(), namespace: z.string().default(""), uid: z.string().default("") }).loose();

export const criSandboxListSchema = z.object({
  items: z.array(z.object({ id: z.string(), metadata: metadata.nullable(), state: z.string(), labels: z.record(z.string(), z.string()).default({}) }).loose()),
});
export type CriSandbox = z.infer<typeof criSandboxListSchema>["items"][number];

export const criContainerListSchema = z.object({
  containers: z.array(
    z
      .object({
        id: z.string(),
        podSandboxId: z.string(),
        metadata: z.object({ name: z.string() }).loose().nullable(),
        image: z.object({ image: z.string() }).loose().nullable(),
        state: z.string(),
        labels: z.record(z.string(), z.string()).default({}),
      })
      .loose(),
  ),
});
export type CriContainer = z.infer<typeof criContainerListSchema>["containers"][number];

/** PodSandboxStatus with verbose=true: containerd and CRI-O put a JSON document under info["info"]. */
export const criSandboxStatusSchema = z.object({ info: z.record(z.string(), z.string()).default({}) }).loose();

/** What we take from that JSON document: the sandbox's process and the netns file from its OCI spec. */
const sandboxInfoSchema = z
  .object({
    pid: z.number().int().optional(),
    runtimeSpec: z
      .object({
        linux: z
          .object({ namespaces: z.array(z.object({ type: z.string(), path: z.string().optional() }).loose()).default([]) })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export interface SandboxRuntimeInfo {
  pid?: number;
  netnsPath?: string;
}

export function mapSandboxInfo(status: z.infer<typeof criSandboxStatusSchema>): SandboxRuntimeInfo {
  const text = status.info.info;
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // The verbose info is free-form per runtime: not JSON means no pid or netns path from it, not a failed scan.
    if (!(err instanceof SyntaxError)) throw err;
    logger().debug({ err: errorFields(err) }, "CRI sandbox info is not JSON; its pid and netns path are unknown");
    return {};
  }
  const info = sandboxInfoSchema.safeParse(json);
  if (!info.success) {
    logger().debug({ issue: info.error.issues[0]?.message }, "CRI sandbox info has no usable pid or netns path");
    return {};
  }
  const netnsPath = info.data.runtimeSpec?.linux?.namespaces.find((n) => n.type === "network")?.path;
  return { ...(info.data.pid ? { pid: info.data.pid } : {}), ...(netnsPath ? { netnsPath } : {}) };
}

const STATE: Record<string, string> = {
  SANDBOX_READY: "ready",
  SANDBOX_NOTREADY: "notready",
  CONTAINER_RUNNING: "running",
  CONTAINER_CREATED: "created",
  CONTAINER_EXITED: "exited",
};
const stateText = (s: string) => STATE[s] ?? s.toLowerCase();

export function mapCriSandbox(runtime: RuntimeName, sandbox: CriSandbox, info: SandboxRuntimeInfo): Workload {
  const meta = sandbox.metadata;
  return {
    runtime,
    kind: "sandbox",
    id: sandbox.id,
    name: meta?.name ?? shortId(sandbox.id),
    state: stateText(sandbox.state),
    labels: sandbox.labels,
    sandboxId: sandbox.id,
    ...(meta ? { pod: { namespace: meta.namespace, name: meta.name, uid: meta.uid } } : {}),
    ...(info.pid ? { pid: info.pid } : {}),
    ...(info.netnsPath ? { netnsPath: info.netnsPath } : {}),
  };
}

export function mapCriContainer(runtime: RuntimeName, container: CriContainer): Workload {
  const name = container.metadata?.name ?? shortId(container.id);
  return {
    runtime,
    kind: "container",
    id: container.id,
    name,
    kubernetesName: name,
    image: container.image?.image,
    state: stateText(container.state),
    labels: container.labels,
    sandboxId: container.podSandboxId,
  };
}
