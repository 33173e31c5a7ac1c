/** parseCommandLine: commands, their flags and arguments; anything else is a usage error naming what is wrong. */
import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../../server/cli/parse-command-line";

const usageError = (message: string) => ({ kind: "usage-error", message });

describe("parseCommandLine", () => {
  it.each([["--help"], ["-h"], ["help"], ["list", "--help"], ["where", "-h"], ["agent", "--listen", "x", "--help"]])("%j asks for help", (...argv) => {
    expect(parseCommandLine(argv)).toEqual({ kind: "help" });
  });

  it.each([["--version"], ["-v"]])("%j asks for the version", (...argv) => {
    expect(parseCommandLine(argv)).toEqual({ kind: "version" });
  });

  it.each([
    [["snapshot", "--json"], { command: "snapshot", json: true }],
    [["list"], { command: "list", json: false }],
    [["list", "--json"], { command: "list", json: true }],
    [["where", "ns/pod", "--json"], { command: "where", target: "ns/pod", json: true }],
    [["where", "--json", "web1"], { command: "where", target: "web1", json: true }],
    [["expose", "web1"], { command: "expose", target: "web1", name: undefined }],
    [["expose", "web1", "--name", "w"], { command: "expose", target: "web1", name: "w" }],
    [["expose", "--name=w", "web1"], { command: "expose", target: "web1", name: "w" }],
    [["unexpose", "w"], { command: "unexpose", name: "w" }],
    [["doctor"], { command: "doctor", json: false }],
    [["doctor", "--json"], { command: "doctor", json: true }],
    [["agent"], { command: "agent", listen: "127.0.0.1:7471" }],
    [["agent", "--listen", "[::1]:9000"], { command: "agent", listen: "[::1]:9000" }],
    [["where", "--", "-odd"], { command: "where", target: "-odd", json: false }],
  ])("%j runs %o", (argv, invocation) => {
    expect(parseCommandLine(argv)).toEqual({ kind: "run", invocation });
  });

  it.each([
    [[], "nsatlas: give a command"],
    [["frobnicate"], 'nsatlas: unknown command "frobnicate"'],
    [["--frobnicate"], "nsatlas: unknown flag --frobnicate"],
    [["list", "--frobnicate"], "nsatlas list: unknown flag --frobnicate"],
    [["list", "-x"], "nsatlas list: unknown flag -x"],
    [["list", "--json=yes"], "nsatlas list: --json takes no value"],
    [["list", "extra"], 'nsatlas list: unexpected argument "extra"'],
    [["snapshot"], "nsatlas snapshot prints JSON: add --json"],
    [["snapshot", "--json", "--listen", "x"], "nsatlas snapshot: unknown flag --listen"],
    [["where"], "nsatlas where: give a pod (namespace/name) or a container name or id"],
    [["where", "a", "b"], 'nsatlas where: unexpected argument "b"'],
    [["expose", "web1", "--name"], "nsatlas expose: --name needs a value"],
    [["unexpose"], "nsatlas unexpose: give the name under /run/netns that nsatlas exposed"],
    [["agent", "--listen"], "nsatlas agent: --listen needs a value"],
    [["agent", "--json"], "nsatlas agent: unknown flag --json"],
  ])("%j is a usage error: %s", (argv, message) => {
    expect(parseCommandLine(argv)).toEqual(usageError(message));
  });
});
