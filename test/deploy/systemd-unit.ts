/**
 * deploy/systemd/nsatlas.service read as systemd reads it (enough of systemd.syntax(7) for this file), and what
 * follows from it for a run without systemd: the capability set, the environment, the command line, and the
 * setpriv(1) arguments that give a process the unit's privileges. Shared by test/deploy/systemd.test.ts (the
 * file) and test/integration/npm-package.test.ts (the installed agent run with exactly those privileges).
 */
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const UNIT_FILE = path.join(ROOT, "deploy/systemd/nsatlas.service");
export const ENV_EXAMPLE_FILE = path.join(ROOT, "deploy/systemd/nsatlas.env");
/** The unit's ExecStart binary: where `npm install -g` puts the bin with npm's default prefix. */
export const UNIT_BIN = "/usr/local/bin/nsatlas";

/** Section name → key → every value assigned to it, in order (a key may repeat: Environment=). */
export type UnitFile = Map<string, Map<string, string[]>>;

/** Parses a unit file: sections, `Key=Value` lines, `#`/`;` comments, backslash continuations. */
export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: Map<string, string[]> | undefined;
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header?.[1] !== undefined) {
      section = new Map();
      unit.set(header[1], section);
      continue;
    }
    const eq = line.indexOf("=");
    if (section === undefined || eq <= 0) throw new Error(`line ${index + 1} is neither a section nor Key=Value: ${line}`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

export function readUnit(file = UNIT_FILE): UnitFile {
  return parseUnit(fs.readFileSync(file, "utf8"));
}

/** Every value of `key` in `section` (empty when unset). */
export function values(unit: UnitFile, section: string, key: string): string[] {
  return unit.get(section)?.get(key) ?? [];
}

/** The one value of `key` in [Service]; throws when it is unset or set twice. */
export function serviceValue(unit: UnitFile, key: string): string {
  const all = values(unit, "Service", key);
  if (all.length !== 1 || all[0] === undefined) throw new Error(`[Service] ${key}= is set ${all.length} times, expected once`);
  return all[0];
}

/** A space-separated list setting, e.g. CapabilityBoundingSet=CAP_SYS_ADMIN CAP_SYS_PTRACE, as a sorted list. */
export function serviceList(unit: UnitFile, key: string): string[] {
  return values(unit, "Service", key)
    .flatMap((v) => v.split(/\s+/))
    .filter((v) => v !== "")
    .sort();
}

/** The environment the unit gives its process: Environment= lines (the EnvironmentFile is optional and absent here). */
export function unitEnvironment(unit: UnitFile): Record<string, string> {
  const env: Record<string, string> = {};
  for (const assignment of values(unit, "Service", "Environment").flatMap((v) => v.split(/\s+/))) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new Error(`Environment=${assignment} is not VAR=value`);
    env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return env;
}

/** ExecStart= as argv, with `${VAR}` expanded from `env` as systemd does (one word each). */
export function execStartArgv(unit: UnitFile, env: Record<string, string>): string[] {
  return serviceValue(unit, "ExecStart")
    .split(/\s+/)
    .map((word) =>
      word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
        const value = env[name];
        if (value === undefined) throw new Error(`ExecStart uses \${${name}}, which the unit does not set`);
        return value;
      }),
    );
}

/** `CAP_SYS_ADMIN` → `sys_admin`, as setpriv names capabilities. */
export const setprivName = (cap: string): string => cap.replace(/^CAP_/, "").toLowerCase();

/**
 * setpriv(1) arguments for the unit's privileges: the bounding set and the ambient (and so inheritable) set as the
 * unit says, everything else dropped, and no_new_privs when NoNewPrivileges=yes. The uid stays what it is (User=root).
 */
export function setprivArgs(unit: UnitFile): string[] {
  const caps = (key: string) => ["-all", ...serviceList(unit, key).map((c) => `+${setprivName(c)}`)].join(",");
  const args = [
    `--bounding-set=${caps("CapabilityBoundingSet")}`,
    `--inh-caps=${caps("AmbientCapabilities")}`,
    `--ambient-caps=${caps("AmbientCapabilities")}`,
  ];
  if (values(unit, "Service", "NoNewPrivileges").includes("yes")) args.push("--no-new-privs");
  return args;
}
