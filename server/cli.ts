/**
 * The nsatlas command line (`npx nsatlas ...`): the same code path as the API.
 *   nsatlas snapshot --json        one complete reading of the node, as JSON
 *   nsatlas list                   every namespace: id, owners, interfaces, refs, addresses
 *   nsatlas where <pod|container>  where a pod (ns/name) or container lives, and how to enter it
 *   nsatlas expose <pod|container> [--name N]   make its namespace visible to `ip netns` (needs NSATLAS_ALLOW_EXPOSE=true)
 *   nsatlas unexpose <name>        undo an expose made by nsatlas
 *   nsatlas doctor                 which needed capabilities this process lacks, and what degrades
 * Exit codes: 0 found, 1 not found or failed, 2 usage or malformed name.
 */
import { userInfo } from "node:os";
import { NetnsReader } from "./collect/netns-reader";
import { exposeNameSchema } from "./contract/expose";
import { ExposeError, exposeNetns, unexposeNetns } from "./expose/expose-netns";
import { missingCapabilities, NEEDED_CAPABILITIES, OPTIONAL_CAPABILITIES } from "./privileges";
import { SnapshotStore } from "./store/snapshot-store";
import { ConfigError, parseConfig } from "./config";
import { formatList } from "./cli/format-list";
import { formatWhere } from "./cli/format-where";
import { containerRefSchema, k8sNamespaceSchema, podNameSchema } from "./contract/lookups";
import { findContainer, findIpNetns, findPod, findPodmanPod } from "./lookups/find-owner";
import { FdScanner } from "./discover/fd-scan";
import { EngineWatch } from "./runtimes/engine-watch";
import { engineAdapters } from "./runtimes/probe-engines";
import { takeSnapshot } from "./snapshot/take-snapshot";

const USAGE = `usage: nsatlas snapshot --json | nsatlas list | nsatlas where <namespace/pod | container | podman-pod>
       nsatlas expose <namespace/pod | container> [--name N] | nsatlas unexpose <name> | nsatlas doctor`;

type WhereTarget = { kind: "pod"; namespace: string; name: string } | { kind: "container"; ref: string };

/** "ns/name" is a pod; anything else a container or podman pod. Malformed names never reach a lookup. */
function parseWhereTarget(arg: string | undefined): WhereTarget | undefined {
  if (arg === undefined) return undefined;
  const slash = arg.indexOf("/");
  if (slash !== -1) {
    const namespace = k8sNamespaceSchema.safeParse(arg.slice(0, slash));
    const name = podNameSchema.safeParse(arg.slice(slash + 1));
    return namespace.success && name.success ? { kind: "pod", namespace: namespace.data, name: name.data } : undefined;
  }
  const ref = containerRefSchema.safeParse(arg);
  return ref.success ? { kind: "container", ref: ref.data } : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "expose" || command === "unexpose") return exposeCommand(command, rest);
  if (command === "doctor") return doctor();
  if (command !== "snapshot" && command !== "list" && command !== "where") {
    console.error(USAGE);
    return 2;
  }
  const target = command === "where" ? parseWhereTarget(rest[0]) : undefined;
  if (command === "where" && target === undefined) {
    console.error(`nsatlas where: "${rest[0] ?? ""}" is not a pod (namespace/name) or a container name or id\n${USAGE}`);
    return 2;
  }
  if (command === "snapshot" && !rest.includes("--json")) {
    console.error(`nsatlas snapshot prints JSON: add --json\n${USAGE}`);
    return 2;
  }
  const config = parseConfig(process.env);
  const reader = new NetnsReader();
  try {
    const engines = new EngineWatch(engineAdapters(config), config.engineTimeoutMs);
    const { snapshot } = await takeSnapshot(reader, {
      fdScanner: config.scanFds ? new FdScanner(0) : undefined,
      engines,
      validate: true,
    }).finally(() => engines.close());
    if (target !== undefined) {
      const found =
        target.kind === "pod"
          ? findPod(snapshot, target.namespace, target.name)
          : (findContainer(snapshot, target.ref) ?? findPodmanPod(snapshot, target.ref) ?? findIpNetns(snapshot, target.ref));
      if (found === undefined) {
        console.error(
          `nsatlas: no ${target.kind === "pod" ? `pod ${target.namespace}/${target.name}` : `container, podman pod or ip netns ${target.ref}`} on this node`,
        );
        return 1;
      }
      process.stdout.write(formatWhere(found));
      return 0;
    }
    process.stdout.write(command === "list" ? formatList(snapshot) : `${JSON.stringify(snapshot, null, 2)}\n`);
    return 0;
  } finally {
    reader.close();
  }
}

/** Capabilities this process lacks and what each costs; exit 1 when a needed one is missing (an optional one only costs CPU). */
function doctor(): number {
  const missing = missingCapabilities();
  for (const c of NEEDED_CAPABILITIES) {
    const gap = missing.find((m) => m.name === c.name);
    console.log(gap === undefined ? `ok       ${c.name}` : `missing  ${c.name}: ${gap.degrades}`);
  }
  const optional = missingCapabilities(undefined, OPTIONAL_CAPABILITIES);
  for (const c of OPTIONAL_CAPABILITIES) {
    const gap = optional.find((m) => m.name === c.name);
    console.log(gap === undefined ? `ok       ${c.name}` : `without  ${c.name} (optional): ${gap.degrades}`);
  }
  return missing.length === 0 ? 0 : 1;
}

/** Who ran the command, for the audit log: the user behind sudo when there is one. */
function cliRequester(): string {
  const user = process.env.SUDO_USER ?? userInfo().username;
  return `cli ${user} (uid ${process.env.SUDO_UID ?? process.getuid?.() ?? "?"})`;
}

async function exposeCommand(command: "expose" | "unexpose", args: string[]): Promise<number> {
  const config = parseConfig(process.env);
  if (!config.allowExpose) {
    console.error(`nsatlas ${command}: off on this node (it writes to /run/netns): set NSATLAS_ALLOW_EXPOSE=true to allow it`);
    return 2;
  }
  const store = SnapshotStore.open(config.dataDir);
  try {
    if (command === "unexpose") {
      const name = exposeNameSchema.safeParse(args[0]);
      if (!name.success) {
        console.error(`nsatlas unexpose: "${args[0] ?? ""}" is not a name nsatlas exposed\n${USAGE}`);
        return 2;
      }
      unexposeNetns(store, name.data);
      store.audit("unexpose", cliRequester(), `/run/netns/${name.data}`);
      console.log(`removed /run/netns/${name.data}`);
      return 0;
    }
    const target = parseWhereTarget(args[0]);
    const nameAt = args.indexOf("--name");
    const name = nameAt === -1 ? undefined : args[nameAt + 1];
    if (target === undefined || (nameAt !== -1 && name === undefined)) {
      console.error(`nsatlas expose: give a pod (namespace/name) or a container, and optionally --name N\n${USAGE}`);
      return 2;
    }
    const reader = new NetnsReader();
    const engines = new EngineWatch(engineAdapters(config), config.engineTimeoutMs);
    try {
      const { snapshot } = await takeSnapshot(reader, { engines });
      const spec = target.kind === "pod" ? `pod:${target.namespace}/${target.name}` : `container:${target.ref}`;
      const exposure = exposeNetns(store, snapshot, { target: spec, ...(name === undefined ? {} : { name }) }, cliRequester());
      store.audit("expose", cliRequester(), `${spec} (netns ${exposure.netnsId}) at ${exposure.path}`);
      console.log(`${exposure.path} → netns ${exposure.netnsId}\ntry: ip netns exec ${exposure.name} ip addr`);
      return 0;
    } finally {
      engines.close();
      reader.close();
    }
  } catch (err) {
    if (err instanceof ExposeError) {
      console.error(`nsatlas ${command}: ${err.message}`);
      return err.status === 400 ? 2 : 1;
    }
    throw err;
  } finally {
    store.close();
  }
}

// exitCode, not exit(): exit() would cut off a large JSON document still flushing into a pipe.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`nsatlas: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
