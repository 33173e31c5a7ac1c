/**
 * One engine call in a process of its own, for failures the test process cannot cause to itself
 * (a mode-000 socket refuses only a caller without CAP_DAC_OVERRIDE). Prints the classification
 * as JSON: `tsx engine-call-child.ts <docker|podman|cri> <version|listWorkloads> <socket> <timeoutMs>`.
 */
import { z } from "zod";
import { classifyEngineError } from "../../../server/runtimes/classify-engine-error";
import { createCriRuntime } from "../../../server/runtimes/cri-runtime";
import { withDeadline } from "../../../server/runtimes/deadline";
import { createDockerApiRuntime } from "../../../server/runtimes/docker-runtime";
import { createPodmanRuntime } from "../../../server/runtimes/podman-runtime";

const [engine, call, socketPath, timeout] = z
  .tuple([z.enum(["docker", "podman", "cri"]), z.enum(["version", "listWorkloads"]), z.string().startsWith("/"), z.coerce.number().int().positive()])
  .parse(process.argv.slice(2));
const options = { socketPath, timeoutMs: timeout };
const adapter =
  engine === "docker" ? createDockerApiRuntime({ name: "docker", ...options }) : engine === "podman" ? createPodmanRuntime(options) : createCriRuntime(options);
const result = await withDeadline<unknown>(timeout, (signal) => adapter[call](signal)).then(
  () => ({ state: "ok" }),
  (err: unknown) => classifyEngineError(err),
);
adapter.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
