import { isLoopback } from "../../config";
import { CliFailure } from "../cli-failure";
import { parseListen, type Listen } from "../parse-listen";

/**
 * `nsatlas dashboard [--listen HOST:PORT]`: the dashboard's process (what `node dist/dashboard.mjs` runs: the agent
 * core, Next.js for the pages and the API, the front server), so that one install or image runs either face.
 * Without --listen it listens where NSATLAS_HOST and PORT say (127.0.0.1:3000 by default). Its log is JSON lines on
 * stdout, its failures to start included: without the dashboard's build (.next, or the image's standalone copy) it
 * says so in one line and exits 1. A malformed --listen, or one off loopback without NSATLAS_TOKEN, is a usage error
 * like any command's: one plain line on stderr, 2. It stops on SIGTERM or SIGINT (docs/operations.md#stopping) and
 * ends the process itself, with the dashboard's exit code.
 */
export async function dashboardCommand(options: { listen: string | undefined }): Promise<number> {
  let listen: Listen | undefined;
  if (options.listen !== undefined) {
    const parsed = parseListen(options.listen);
    if (!parsed.ok) throw new CliFailure(`nsatlas dashboard: ${parsed.message}`, 2);
    listen = parsed.listen;
    // The same refusal as NSATLAS_HOST's (server/config.ts), for the flag: the dashboard's process runs as root.
    if (!isLoopback(listen.host) && (process.env.NSATLAS_TOKEN ?? "") === "") {
      throw new CliFailure(
        `nsatlas dashboard: --listen ${options.listen} would open a root-privileged dashboard to the network: set NSATLAS_TOKEN (16+ characters), or listen on 127.0.0.1`,
        2,
      );
    }
  }
  // What `npm start` sets for the dashboard's process; React and Next pick their production builds from it.
  // (Next's types make NODE_ENV read-only: assigned through Object.assign.)
  Object.assign(process.env, { NODE_ENV: process.env.NODE_ENV ?? "production" });
  // Next.js and React load only here, never for the other commands (esbuild keeps this import a file of its own).
  const { dashboardProcess } = await import("../../bin/dashboard");
  return dashboardProcess({ isDev: false, listen });
}
