/**
 * The command line, parsed with Node's own `util.parseArgs` (no dependency to load: `--help` and
 * `--version` are answered before any of the CLI's dependencies are imported). Every flag and argument
 * a command does not take is a usage error; values are checked by the command that uses them.
 */
import { parseArgs } from "node:util";
import { DEFAULT_LISTEN } from "./usage";

export type Invocation =
  | { command: "snapshot"; json: true }
  | { command: "list"; json: boolean }
  | { command: "where"; target: string; json: boolean }
  | { command: "expose"; target: string; name: string | undefined }
  | { command: "unexpose"; name: string }
  | { command: "doctor"; json: boolean }
  | { command: "agent"; listen: string }
  /** listen: the --listen value, or undefined for NSATLAS_HOST and PORT (127.0.0.1:3000 by default). */
  | { command: "dashboard"; listen: string | undefined }
  /** proto, sport, dport: as given; the trace command checks them. */
  | { command: "trace"; target: string; to: string; json: boolean; proto: string | undefined; sport: string | undefined; dport: string | undefined };

export type CommandLine = { kind: "help" } | { kind: "version" } | { kind: "usage-error"; message: string } | { kind: "run"; invocation: Invocation };

type Command = Invocation["command"];

interface CommandSpec {
  flags: Record<string, "boolean" | "string">;
  /** The positional argument the command needs, in words, or none. */
  argument?: string;
  /** A second positional argument it needs after the first, in words. */
  second?: string;
}

const WHAT = "a pod (namespace/name) or a container name or id";

const COMMANDS: Record<Command, CommandSpec> = {
  snapshot: { flags: { json: "boolean" } },
  list: { flags: { json: "boolean" } },
  where: { flags: { json: "boolean" }, argument: WHAT },
  expose: { flags: { name: "string" }, argument: WHAT },
  unexpose: { flags: {}, argument: "the name under /run/netns that nsatlas exposed" },
  doctor: { flags: { json: "boolean" } },
  agent: { flags: { listen: "string" } },
  dashboard: { flags: { listen: "string" } },
  trace: {
    flags: { json: "boolean", proto: "string", sport: "string", dport: "string" },
    argument: "a namespace id, a pod (namespace/name) or a container name or id",
    second: "the destination IP address",
  },
};

const isCommand = (word: string): word is Command => Object.hasOwn(COMMANDS, word);

interface Parsed {
  values: Record<string, string | true>;
  positionals: string[];
}

/** One command's flags and arguments, or why they are wrong, or "help" when -h/--help is among them. */
function parseCommandArgs(command: Command, args: string[]): Parsed | "help" | string {
  const spec = COMMANDS[command];
  const options = Object.fromEntries(Object.entries(spec.flags).map(([name, type]) => [name, { type }]));
  const { tokens } = parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, strict: false, allowPositionals: true, tokens: true });
  const parsed: Parsed = { values: {}, positionals: [] };
  for (const token of tokens) {
    if (token.kind === "positional") parsed.positionals.push(token.value);
    if (token.kind !== "option") continue;
    if (token.name === "help") return "help";
    const type = spec.flags[token.name];
    if (type === undefined) return `nsatlas ${command}: unknown flag ${token.rawName}`;
    if (type === "string" && token.value === undefined) return `nsatlas ${command}: ${token.rawName} needs a value`;
    if (type === "boolean" && token.value !== undefined) return `nsatlas ${command}: ${token.rawName} takes no value`;
    parsed.values[token.name] = token.value ?? true;
  }
  const wanted = spec.argument === undefined ? 0 : spec.second === undefined ? 1 : 2;
  if (parsed.positionals.length < wanted) return `nsatlas ${command}: give ${parsed.positionals.length === 0 ? spec.argument : spec.second}`;
  const extra = parsed.positionals[wanted];
  if (extra !== undefined) return `nsatlas ${command}: unexpected argument "${extra}"`;
  return parsed;
}

function toInvocation(command: Command, { values, positionals }: Parsed): Invocation | string {
  const json = values.json === true;
  const first = positionals[0] ?? "";
  const text = (v: string | true | undefined) => (typeof v === "string" ? v : undefined);
  switch (command) {
    case "snapshot":
      return json ? { command, json } : "nsatlas snapshot prints JSON: add --json";
    case "list":
    case "doctor":
      return { command, json };
    case "where":
      return { command, target: first, json };
    case "expose":
      return { command, target: first, name: text(values.name) };
    case "unexpose":
      return { command, name: first };
    case "agent":
      return { command, listen: text(values.listen) ?? DEFAULT_LISTEN };
    case "dashboard":
      return { command, listen: text(values.listen) };
    case "trace":
      return { command, target: first, to: positionals[1] ?? "", json, proto: text(values.proto), sport: text(values.sport), dport: text(values.dport) };
  }
}

export function parseCommandLine(argv: string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: "usage-error", message: "nsatlas: give a command" };
  if (first === "-h" || first === "--help" || first === "help") return { kind: "help" };
  if (first === "-v" || first === "--version") return { kind: "version" };
  if (first.startsWith("-")) return { kind: "usage-error", message: `nsatlas: unknown flag ${first}` };
  if (!isCommand(first)) return { kind: "usage-error", message: `nsatlas: unknown command "${first}"` };
  const parsed = parseCommandArgs(first, rest);
  if (parsed === "help") return { kind: "help" };
  if (typeof parsed === "string") return { kind: "usage-error", message: parsed };
  const invocation = toInvocation(first, parsed);
  return typeof invocation === "string" ? { kind: "usage-error", message: invocation } : { kind: "run", invocation };
}
