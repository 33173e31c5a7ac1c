import fs from "node:fs";
import net from "node:net";

/**
 * A unix-socket proxy in front of an engine's real socket. Stopping it (every connection cut, the
 * socket file gone) is, to the agent, exactly the engine being killed; starting it again is the
 * engine coming back, without touching the daemon that runs the lab.
 */
export class SocketProxy {
  private server: net.Server | undefined;
  private readonly open = new Set<net.Socket>();

  constructor(
    readonly path: string,
    private readonly upstream: string,
  ) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.upstream);
      this.open.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.open.delete(client);
        this.open.delete(upstream);
      };
      client.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
    });
    await new Promise<void>((resolve) => server.listen(this.path, resolve));
    this.server = server;
  }

  stop(): void {
    this.server?.close();
    this.server = undefined;
    for (const s of this.open) s.destroy();
    this.open.clear();
    fs.rmSync(this.path, { force: true });
  }
}
