/**
 * Sockets that fail the way a container engine fails, each for real: nothing there, a file that is not
 * a socket, a socket nobody listens on, one that never answers, one that closes at once, one with mode
 * 000, one that speaks garbage, HTTP servers that are not an engine (or refuse, or fail), and gRPC
 * servers that are not a CRI runtime (or refuse, or fail). All in one temporary directory; close()
 * ends every connection and removes it.
 */
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { EngineState } from "../../../server/contract/runtime-status";

export const FAULT_KINDS = [
  "missing",
  "stale",
  "not-a-socket",
  "silent",
  "closing",
  "locked",
  "garbage",
  "http-not-found",
  "http-wrong-json",
  "http-forbidden",
  "http-server-error",
  "grpc-unimplemented",
  "grpc-denied",
  "grpc-internal",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The documented state (docs/api.md, "Engine states") each fault must produce, through the Docker
 * Engine API (docker, podman) and through gRPC (CRI). Faults that make no sense for a protocol are absent.
 */
export const EXPECTED_STATE: Record<"http" | "grpc", Partial<Record<FaultKind, EngineState>>> = {
  http: {
    missing: "absent",
    stale: "absent",
    "not-a-socket": "absent",
    silent: "timeout",
    closing: "dropped",
    locked: "refused",
    garbage: "incompatible",
    "http-not-found": "incompatible",
    "http-wrong-json": "incompatible",
    "http-forbidden": "refused",
    "http-server-error": "error",
  },
  grpc: {
    missing: "absent",
    stale: "absent",
    "not-a-socket": "absent",
    silent: "timeout",
    closing: "dropped",
    locked: "refused",
    garbage: "incompatible",
    "http-not-found": "incompatible",
    "grpc-unimplemented": "incompatible",
    "grpc-denied": "refused",
    "grpc-internal": "error",
  },
};

/** The faults that need a caller without CAP_DAC_OVERRIDE (root opens a mode-000 socket anyway). */
export const NEEDS_UNPRIVILEGED_CALLER: ReadonlySet<FaultKind> = new Set(["locked"]);

export interface FaultEngines {
  dir: string;
  path(kind: FaultKind): string;
  close(): Promise<void>;
}

const CRI_PROTO = path.resolve(import.meta.dirname, "../../../server/runtimes/cri/cri-api.proto");

/** Every fault, listening (prefix: a short tag for the directory name). */
export async function faultEngines(prefix = "t16eng"): Promise<FaultEngines> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-faults-`));
  // Reachable by a caller of any uid: only the locked socket's own mode refuses.
  fs.chmodSync(dir, 0o755);
  const at = (kind: FaultKind) => path.join(dir, `${kind}.sock`);
  const sockets = new Set<net.Socket>();
  const servers: Array<{ close: () => Promise<void> }> = [];
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };
  const listenNet = async (kind: FaultKind, server: net.Server | http.Server) => {
    server.on("connection", track);
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(at(kind), resolve));
    servers.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  };
  const answer = (status: number, body: string, type = "application/json") =>
    http.createServer((_req, res) => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    });

  try {
    // stale: a socket file whose listener has gone (what a killed engine leaves). Node unlinks the
    // socket when its server closes: a second link to the same inode keeps it.
    const stale = net.createServer();
    await new Promise<void>((resolve) => stale.listen(at("stale"), resolve));
    fs.linkSync(at("stale"), `${at("stale")}.keep`);
    await new Promise<void>((resolve) => stale.close(() => resolve()));
    fs.renameSync(`${at("stale")}.keep`, at("stale"));
    fs.writeFileSync(at("not-a-socket"), "not a socket\n");

    await listenNet(
      "silent",
      net.createServer(() => undefined),
    );
    await listenNet(
      "closing",
      net.createServer((s) => s.destroy()),
    );
    await listenNet("locked", answer(200, JSON.stringify({ Version: "never read" })));
    fs.chmodSync(at("locked"), 0o000);
    await listenNet(
      "garbage",
      net.createServer((s) => s.once("data", () => s.end("\u0000\u0001garbage, not HTTP\r\n\r\n"))),
    );
    await listenNet("http-not-found", answer(404, "404 page not found\n", "text/plain"));
    await listenNet("http-wrong-json", answer(200, JSON.stringify({ hello: "not an engine" })));
    await listenNet("http-forbidden", answer(403, JSON.stringify({ message: "authorization denied by plugin nsatlas-test: read access refused" })));
    await listenNet("http-server-error", answer(500, JSON.stringify({ message: "engine exploded\nwith a two-line message" })));

    servers.push(await grpcServer(at("grpc-unimplemented"), undefined));
    servers.push(await grpcServer(at("grpc-denied"), { code: grpc.status.PERMISSION_DENIED, details: "access denied by policy" }));
    servers.push(await grpcServer(at("grpc-internal"), { code: grpc.status.INTERNAL, details: "runtime failed\nsecond line" }));
  } catch (err) {
    await closeAll();
    throw err;
  }

  async function closeAll(): Promise<void> {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => s.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  }

  return { dir, path: at, close: closeAll };
}

/** A gRPC server on a unix socket: no service at all (failWith undefined), or a CRI Version that fails with a status. */
async function grpcServer(socketPath: string, failWith: { code: grpc.status; details: string } | undefined): Promise<{ close: () => Promise<void> }> {
  const server = new grpc.Server();
  if (failWith !== undefined) {
    const definition = protoLoader.loadSync(CRI_PROTO, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
    const service = definition["runtime.v1.RuntimeService"];
    if (service === undefined || "format" in service) throw new Error("runtime.v1.RuntimeService missing from cri-api.proto");
    const fail: grpc.UntypedHandleCall = (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(failWith, null);
    server.addService(service, Object.fromEntries(Object.keys(service).map((method) => [method, fail])));
  }
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return { close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}
