/**
 * The capabilities a capture needs besides the agent's own (docs/security.md, "Packet capture"),
 * measured with setpriv: CAP_NET_RAW opens the packet socket; Debian's tcpdump (built with
 * --with-user=tcpdump) then drops to the `tcpdump` user, which needs CAP_SETUID and CAP_SETGID;
 * and once it runs as that user, stopping it (SIGTERM, SIGKILL) needs CAP_KILL. Entering the
 * namespace (nsenter) needs CAP_SYS_ADMIN, which the agent has anyway. Promiscuous mode would need
 * nothing more, but captures never use it (tcpdump -p): it would change the interface, and nsatlas
 * itself flags promiscuous interfaces as an anomaly.
 */
import fs from "node:fs";
import { missingCapabilities } from "../privileges";

export const CAPTURE_CAPABILITIES = [
  { name: "CAP_NET_RAW", bit: 13, degrades: "tcpdump cannot open a packet socket" },
  { name: "CAP_SETUID", bit: 7, degrades: "tcpdump cannot drop to its own user after opening the interface, and refuses to run" },
  { name: "CAP_SETGID", bit: 6, degrades: "tcpdump cannot drop to its own group after opening the interface, and refuses to run" },
  { name: "CAP_KILL", bit: 5, degrades: "a capture running as the tcpdump user cannot be stopped" },
  { name: "CAP_SYS_ADMIN", bit: 21, degrades: "no namespace but the agent's own can be entered" },
] as const;

/** Which of them this process lacks (read from /proc/self/status). */
export function missingCaptureCapabilities(status = fs.readFileSync("/proc/self/status", "utf8")): string[] {
  return missingCapabilities(status, CAPTURE_CAPABILITIES).map((c) => c.name);
}
