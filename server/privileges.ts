import fs from "node:fs";

/** The capabilities nsatlas uses, and what stops working without each (README "Privileges"). */
export const NEEDED_CAPABILITIES = [
  {
    name: "CAP_SYS_ADMIN",
    bit: 21,
    degrades:
      "no namespace can be entered: interfaces, addresses, routes and listeners are missing (each namespace says setns failed: EPERM); expose cannot mount",
  },
  {
    name: "CAP_SYS_PTRACE",
    bit: 19,
    degrades:
      "other processes' namespaces, fds and mount tables are invisible: namespaces held only by a process or an fd are not found, and holders and process owners are not shown",
  },
  {
    name: "CAP_DAC_READ_SEARCH",
    bit: 2,
    degrades:
      "the fd tables of processes running as another user cannot be listed (/proc/PID/fd is theirs, mode 0500): a namespace held only by such a process's open fd is not found",
  },
] as const;

/** Capabilities that make nsatlas cheaper to run but that it works without (README "Privileges"). */
export const OPTIONAL_CAPABILITIES = [
  {
    name: "CAP_NET_BROADCAST",
    bit: 11,
    degrades:
      "changes in namespaces cannot be heard (NETLINK_LISTEN_ALL_NSID), so every scan reads every namespace in full: about 3× the kernel work of a scan of a quiet node",
  },
] as const;

/** Bits set in a /proc/PID/status capability line ("CapEff:\t000001ffffffffff"). */
function capabilityBits(status: string, field = "CapEff"): bigint {
  const hex = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, "m").exec(status)?.[1];
  return hex === undefined ? 0n : BigInt(`0x${hex}`);
}

/** Which needed (or, with `list`, optional) capabilities this process lacks, read from /proc/self/status. */
export function missingCapabilities(
  status = fs.readFileSync("/proc/self/status", "utf8"),
  list: ReadonlyArray<{ name: string; bit: number; degrades: string }> = NEEDED_CAPABILITIES,
): { name: string; degrades: string }[] {
  const effective = capabilityBits(status);
  return list.filter((c) => (effective & (1n << BigInt(c.bit))) === 0n).map(({ name, degrades }) => ({ name, degrades }));
}
