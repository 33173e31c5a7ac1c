import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A unix socket that accepts connections and never writes a byte: an engine that hangs. Also a
 * path next to it where nothing listens. close() ends every connection and removes both.
 */
export async function silentSocket(): Promise<{ path: string; missingPath: string; dir: string; close: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-silent-"));
  const open = new Set<net.Socket>();
  const server = net.createServer((s) => open.add(s));
  const socketPath = path.join(dir, "silent.sock");
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    path: socketPath,
    missingPath: path.join(dir, "missing.sock"),
    dir,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
