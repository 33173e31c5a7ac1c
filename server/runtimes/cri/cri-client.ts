import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { packageRoot } from "../../package-root";

const SERVICE = "runtime.v1.RuntimeService";

let definition: protoLoader.PackageDefinition | undefined;

function loadDefinition(): protoLoader.PackageDefinition {
  definition ??= protoLoader.loadSync(path.join(packageRoot(), "server/runtimes/cri/cri-api.proto"), {
    keepCase: false, // camelCase field names, as JavaScript expects
    longs: String, // int64 nanosecond timestamps do not fit a double
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return definition;
}

export type CriMethod =
  | "Version"
  | "RunPodSandbox"
  | "StopPodSandbox"
  | "RemovePodSandbox"
  | "PodSandboxStatus"
  | "ListPodSandbox"
  | "CreateContainer"
  | "StartContainer"
  | "StopContainer"
  | "RemoveContainer"
  | "ListContainers"
  | "ContainerStatus";

/** How long after the caller's deadline gRPC's own ends a call nobody ended. */
const BACKSTOP_MS = 250;

/**
 * A minimal CRI RuntimeService client over a unix socket. Answers are `unknown`: each caller parses
 * them with its own zod schema, so nothing untyped leaves this file's callers.
 */
export class CriClient {
  private readonly client: grpc.Client;

  constructor(readonly socketPath: string) {
    // A subchannel of its own: with grpc-js's process-wide pool, a new client (each health probe's) joins
    // another's connection in back-off and fails with "Last error: null", hiding why it cannot connect.
    this.client = new grpc.Client(`unix://${socketPath}`, grpc.credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 });
  }

  call(method: CriMethod, request: object, deadlineMs: number, signal?: AbortSignal): Promise<unknown> {
    const service = loadDefinition()[SERVICE];
    if (service === undefined || "format" in service) throw new Error(`${SERVICE} missing from cri-api.proto`);
    const def = service[method];
    if (def === undefined) throw new Error(`${SERVICE}/${method} missing from cri-api.proto`);
    return new Promise((resolve, reject) => {
      const call = this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        new grpc.Metadata(),
        // The caller's deadline (withDeadline) ends the call and names it; gRPC's own is a backstop set later, since at the
        // same moment either could fire first and the failure's detail changed from one run to the next.
        { deadline: Date.now() + deadlineMs + BACKSTOP_MS },
        (err: grpc.ServiceError | null, value?: unknown) => (err ? reject(err) : resolve(value)),
      );
      signal?.addEventListener("abort", () => call.cancel(), { once: true });
    });
  }

  close(): void {
    this.client.close();
  }
}
