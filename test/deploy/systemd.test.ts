/**
 * deploy/systemd/nsatlas.service: systemd accepts it (systemd-analyze verify, offline: no systemd needs to run),
 * it runs the agent with exactly the capabilities nsatlas uses (server/privileges.ts) and the least else, and its
 * exposure score does not grow. The agent run with exactly these privileges against the lab is in
 * test/integration/npm-package.test.ts. Needs Debian's `systemd` package (systemd-analyze).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseListen } from "../../server/cli/parse-listen";
import { parseConfig } from "../../server/config";
import { NEEDED_CAPABILITIES, OPTIONAL_CAPABILITIES } from "../../server/privileges";
import {
  ENV_EXAMPLE_FILE,
  ROOT,
  UNIT_BIN,
  UNIT_FILE,
  execStartArgv,
  readUnit,
  serviceList,
  serviceValue,
  setprivArgs,
  unitEnvironment,
  values,
  type UnitFile,
} from "./systemd-unit";

const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";
/** `systemd-analyze security --offline` of the unit as committed; a higher score means a setting was lost. */
const MAX_EXPOSURE = 5.2;

let unit: UnitFile;
let dir: string;
/** The unit with its ExecStart pointed at an executable stand-in: verify checks that the binary exists. */
let verifiable: string;

function analyze(args: string[]) {
  if (!fs.existsSync(SYSTEMD_ANALYZE)) throw new Error(`${SYSTEMD_ANALYZE} is missing: apt-get install systemd`);
  return spawnSync(SYSTEMD_ANALYZE, args, { encoding: "utf8", env: { ...process.env, SYSTEMD_LOG_COLOR: "0", SYSTEMD_COLORS: "0" } });
}

beforeAll(() => {
  unit = readUnit();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-systemd-"));
  const bin = path.join(dir, "nsatlas");
  fs.writeFileSync(bin, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  const text = fs.readFileSync(UNIT_FILE, "utf8");
  expect(text).toContain(`ExecStart=${UNIT_BIN} `);
  verifiable = path.join(dir, "nsatlas.service");
  fs.writeFileSync(verifiable, text.replaceAll(`ExecStart=${UNIT_BIN} `, `ExecStart=${bin} `));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("deploy/systemd/nsatlas.service", () => {
  it("passes systemd-analyze verify with nothing to say (an unknown key or a bad value is only a warning there)", () => {
    const r = analyze(["verify", "--man=no", verifiable]);
    expect(r.stderr.trim()).toBe("");
    expect(r.status).toBe(0);
    // The check is real: a misspelt key makes it speak.
    const broken = path.join(dir, "broken.service");
    fs.writeFileSync(broken, fs.readFileSync(verifiable, "utf8").replace("LockPersonality=yes", "LockPersonalty=yes"));
    expect(analyze(["verify", "--man=no", broken]).stderr).toContain("Unknown key 'LockPersonalty'");
  });

  it("runs `nsatlas agent` from the npm -g bin on 127.0.0.1:7471 by default, overridable from /etc/nsatlas/nsatlas.env", () => {
    expect(serviceValue(unit, "Type")).toBe("simple");
    const env = unitEnvironment(unit);
    expect(env.NSATLAS_AGENT_LISTEN).toBe("127.0.0.1:7471");
    expect(execStartArgv(unit, env)).toEqual([UNIT_BIN, "agent", "--listen", "127.0.0.1:7471"]);
    expect(values(unit, "Service", "EnvironmentFile")).toEqual(["-/etc/nsatlas/nsatlas.env"]);
    expect(serviceValue(unit, "Restart")).toBe("on-failure");
    expect(serviceValue(unit, "RestartPreventExitStatus")).toBe("2");
    expect(serviceValue(unit, "TimeoutStopSec")).toBe("10");
    expect(values(unit, "Install", "WantedBy")).toEqual(["multi-user.target"]);
  });

  it("has exactly the capabilities nsatlas uses (needed and optional), as bounding and ambient set, and no way to gain more", () => {
    const used = [...NEEDED_CAPABILITIES, ...OPTIONAL_CAPABILITIES].map((c) => c.name).sort();
    expect(serviceList(unit, "CapabilityBoundingSet")).toEqual(used);
    expect(serviceList(unit, "AmbientCapabilities")).toEqual(used);
    expect(serviceValue(unit, "NoNewPrivileges")).toBe("yes");
    // Root, measured: a non-root uid with the same capabilities is refused by every engine, so owners go missing (the unit says why).
    expect(serviceValue(unit, "User")).toBe("root");
    expect(values(unit, "Service", "DynamicUser")).toEqual([]);
    expect(setprivArgs(unit)).toEqual([
      "--bounding-set=-all,+dac_read_search,+net_broadcast,+sys_admin,+sys_ptrace",
      "--inh-caps=-all,+dac_read_search,+net_broadcast,+sys_admin,+sys_ptrace",
      "--ambient-caps=-all,+dac_read_search,+net_broadcast,+sys_admin,+sys_ptrace",
      "--no-new-privs",
    ]);
  });

  it("sees the host read-only but for its state directory, and nothing it does not use", () => {
    const expected: Record<string, string> = {
      ProtectSystem: "strict",
      ProtectHome: "yes",
      PrivateTmp: "yes",
      PrivateDevices: "yes",
      StateDirectory: "nsatlas",
      StateDirectoryMode: "0700",
      UMask: "0077",
      ProtectKernelTunables: "yes",
      ProtectKernelModules: "yes",
      ProtectKernelLogs: "yes",
      ProtectControlGroups: "yes",
      ProtectClock: "yes",
      RestrictSUIDSGID: "yes",
      RestrictRealtime: "yes",
      SystemCallArchitectures: "native",
      LockPersonality: "yes",
    };
    for (const [key, value] of Object.entries(expected)) expect(serviceValue(unit, key), key).toBe(value);
    expect(unitEnvironment(unit).NSATLAS_DATA_DIR).toBe("/var/lib/nsatlas");
    expect(serviceList(unit, "RestrictAddressFamilies")).toEqual(["AF_INET", "AF_INET6", "AF_NETLINK", "AF_UNIX"]);
    // The agent writes nothing but its history (expose is the CLI's and the dashboard's).
    expect(values(unit, "Service", "ReadWritePaths")).toEqual([]);
    // Each of these would break it: V8's JIT (W^X), the host's network namespace, host capabilities, every /proc/PID, setns(2).
    for (const key of ["MemoryDenyWriteExecute", "PrivateNetwork", "PrivateUsers", "ProtectProc", "ProcSubset", "RestrictNamespaces"]) {
      expect(values(unit, "Service", key), key).toEqual([]);
    }
    expect(fs.readFileSync(UNIT_FILE, "utf8")).toMatch(/MemoryDenyWriteExecute=yes +V8's JIT/);
  });

  it(`scores an exposure of at most ${MAX_EXPOSURE} in systemd-analyze security --offline`, () => {
    const r = analyze(["security", "--offline=true", "--no-pager", verifiable]);
    const score = /Overall exposure level for nsatlas\.service: ([\d.]+)/.exec(r.stdout)?.[1];
    expect(score, r.stdout + r.stderr).toBeDefined();
    expect(Number(score)).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  it("ships an environment file whose every line, uncommented, is a valid setting", () => {
    const text = fs.readFileSync(ENV_EXAMPLE_FILE, "utf8");
    const settings = [...text.matchAll(/^#?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, name = "", value = ""]) => ({ name, value }));
    expect(settings.length).toBeGreaterThan(5);
    const env = Object.fromEntries(settings.map(({ name, value }) => [name, value]));
    const { NSATLAS_AGENT_LISTEN: listen = "", ...nsatlas } = env;
    expect(parseListen(listen).ok).toBe(true);
    expect(() => parseConfig({ ...nsatlas, NSATLAS_TOKEN: "x".repeat(24) })).not.toThrow();
    const documented = fs.readFileSync(path.join(ROOT, "docs/configuration.md"), "utf8") + fs.readFileSync(path.join(ROOT, "docs/operations.md"), "utf8");
    for (const name of Object.keys(nsatlas)) expect(documented, name).toContain(`\`${name}\``);
  });
});
