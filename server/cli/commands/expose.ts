import { userInfo } from "node:os";
import { parseConfig } from "../../config";
import { exposeNameSchema } from "../../contract/expose";
import { ExposeError, exposeNetns, unexposeNetns } from "../../expose/expose-netns";
import { CliFailure } from "../cli-failure";
import { printText } from "../output";
import { exposeSpec, parseWhereTarget } from "../where-target";
import { withAgent } from "../with-agent";

/** Who ran the command, for the audit log: the user behind sudo when there is one. */
function cliRequester(): string {
  const user = process.env.SUDO_USER ?? userInfo().username;
  return `cli ${user} (uid ${process.env.SUDO_UID ?? process.getuid?.() ?? "?"})`;
}

/** Exposing writes to the host: refused unless the node allows it. */
function requireExpose(command: "expose" | "unexpose"): void {
  if (!parseConfig(process.env).allowExpose) {
    throw new CliFailure(`nsatlas ${command}: off on this node (it writes to /run/netns): set NSATLAS_ALLOW_EXPOSE=true to allow it`, 2);
  }
}

/** An ExposeError in the CLI's words: a bad request is a usage error, anything else a failure. */
function asCliFailure(command: "expose" | "unexpose", err: unknown): unknown {
  return err instanceof ExposeError ? new CliFailure(`nsatlas ${command}: ${err.message}`, err.status === 400 ? 2 : 1) : err;
}

/** `nsatlas expose <ns/pod | container> [--name N]`: bind-mounts its namespace at /run/netns/N; audit-logged. */
export async function exposeCommand(options: { target: string; name: string | undefined }): Promise<number> {
  requireExpose("expose");
  const target = parseWhereTarget(options.target);
  if (target === undefined)
    throw new CliFailure(`nsatlas expose: ${JSON.stringify(options.target)} is not a pod (namespace/name) or a container name or id`, 2);
  const spec = exposeSpec(target);
  const who = cliRequester();
  const exposure = await withAgent(async (agent) => {
    const snapshot = await agent.snapshot(undefined, { fresh: true });
    const made = agent.history.use((store) =>
      exposeNetns(store, snapshot, { target: spec, ...(options.name === undefined ? {} : { name: options.name }) }, who),
    );
    // The audit line (on stderr: stdout is this command's output) and the store's audit table.
    agent.history.audit("expose", who, `${spec} (netns ${made.netnsId}) at ${made.path}`);
    return made;
  }).catch((err: unknown) => {
    throw asCliFailure("expose", err);
  });
  printText(`${exposure.path} → netns ${exposure.netnsId}\ntry: ip netns exec ${exposure.name} ip addr\n`);
  return 0;
}

/** `nsatlas unexpose <name>`: removes a /run/netns entry nsatlas made (never one it did not); audit-logged. */
export async function unexposeCommand(options: { name: string }): Promise<number> {
  requireExpose("unexpose");
  const name = exposeNameSchema.safeParse(options.name);
  if (!name.success) throw new CliFailure(`nsatlas unexpose: ${JSON.stringify(options.name)} is not a name nsatlas exposed`, 2);
  const who = cliRequester();
  await withAgent(async (agent) => {
    agent.history.use((store) => unexposeNetns(store, name.data));
    agent.history.audit("unexpose", who, `/run/netns/${name.data}`);
  }).catch((err: unknown) => {
    throw asCliFailure("unexpose", err);
  });
  printText(`removed /run/netns/${name.data}\n`);
  return 0;
}
