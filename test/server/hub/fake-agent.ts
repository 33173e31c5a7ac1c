/**
 * A node agent's HTTP face, faked on loopback for the hub's unit tests: the routes the hub calls, with answers the
 * test sets (or garbage), an event stream it pushes frames into, and a way to drop every connection as a crash would.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Snapshot, SnapshotOverview } from "../../../server/contract/snapshot";

export interface FakeAgent {
  url: string;
  token: string | undefined;
  version: string;
  overview: SnapshotOverview;
  full: Snapshot | undefined;
  /** Replaces the answer of a path (pathname) entirely. */
  override: Map<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>;
  /** Requests seen, as "METHOD path". */
  seen: string[];
  /** Sends a frame to every open event stream. */
  push(frame: string): void;
  streams(): number;
  /** Ends every response and socket at once (a crash). */
  crash(): void;
  close(): Promise<void>;
}

export async function fakeAgent(options: { overview: SnapshotOverview; full?: Snapshot; token?: string; version?: string }): Promise<FakeAgent> {
  const streams = new Set<http.ServerResponse>();
  const sockets = new Set<import("node:net").Socket>();
  const agent: FakeAgent = {
    url: "",
    token: options.token,
    version: options.version ?? "0.1.0",
    overview: options.overview,
    full: options.full,
    override: new Map(),
    seen: [],
    push: (frame) => {
      for (const s of streams) s.write(frame);
    },
    streams: () => streams.size,
    crash: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        agent.crash();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    agent.seen.push(`${req.method ?? "?"} ${url.pathname}${url.search}`);
    const override = agent.override.get(url.pathname);
    if (override !== undefined) return override(req, res);
    if (agent.token !== undefined && req.headers.authorization !== `Bearer ${agent.token}`) {
      res.writeHead(401, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ type: "about:blank", title: "Authentication required", status: 401 }));
      return;
    }
    const json = (body: unknown, status = 200) => {
      res.writeHead(status, { "content-type": status === 200 ? "application/json" : "application/problem+json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/api/v1/healthz") return json({ version: agent.version });
    if (url.pathname === "/api/v1/snapshot") {
      if (url.searchParams.get("at") !== null) return json({ type: "about:blank", title: "No such snapshot", status: 404, detail: "never stored" }, 404);
      return json(url.searchParams.get("view") === "overview" ? agent.overview : (agent.full ?? agent.overview));
    }
    const netns = /^\/api\/v1\/netns\/(\d+)$/.exec(url.pathname)?.[1];
    if (netns !== undefined) {
      const found = (agent.full ?? agent.overview).netns.find((n) => n.id === netns);
      return found === undefined ? json({ type: "about:blank", title: "No such namespace", status: 404 }, 404) : json(found);
    }
    if (url.pathname === "/api/v1/events") {
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
      res.write("retry: 2000\n: nsatlas events, seq 0\n\n");
      streams.add(res);
      res.on("close", () => streams.delete(res));
      return;
    }
    json({ type: "about:blank", title: "Not found", status: 404 }, 404);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  agent.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return agent;
}

/** A node's overview: its own namespace (with `hostInterfaces`) and one `ip netns` namespace per name. */
export function overviewOf(
  name: string,
  options: { id?: string; pods?: string[]; hostInterfaces?: SnapshotOverview["netns"][number]["interfaces"] } = {},
): SnapshotOverview {
  return {
    id: options.id ?? "s1",
    takenAt: "2026-12-05T00:00:00.000Z",
    node: { name, hostname: name, kernel: "6.18" },
    netns: [
      { id: "4026531840", isHost: true, refs: [], processCount: 1, owners: [], interfaces: options.hostInterfaces ?? [], isGone: false, errors: [] },
      ...(options.pods ?? []).map((pod, i) => ({
        id: String(4026532000 + i),
        isHost: false,
        refs: [],
        processCount: 1,
        owners: [{ kind: "ip-netns" as const, name: pod }],
        interfaces: [],
        isGone: false,
        errors: [],
      })),
    ],
    staleFiles: [],
    runtimes: [],
    timings: { discoverMs: 0, fdScanMs: 0, readMs: 0, wireMs: 0, ownersMs: 0, totalMs: 0 },
    anomalies: [],
  };
}
