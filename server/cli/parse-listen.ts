import { isIPv4, isIPv6 } from "node:net";
import * as z from "zod";

/** Where `nsatlas agent` listens; an IPv6 host without its brackets (as node:http takes it). */
export interface Listen {
  host: string;
  port: number;
}

const EXAMPLE = "e.g. 127.0.0.1:7471, 0.0.0.0:7471 or [::1]:7471";
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Why `host` (the part before the last colon) is not one, or undefined when it is. */
function hostProblem(host: string): string | undefined {
  if (host === "") return "no host before the port";
  if (host.startsWith("[")) return host.endsWith("]") && isIPv6(host.slice(1, -1)) ? undefined : "not an IPv6 address in brackets";
  if (host.includes(":")) return "an IPv6 address goes in brackets";
  if (/^[\d.]+$/.test(host)) return isIPv4(host) ? undefined : "not an IPv4 address";
  return HOST_NAME.test(host) ? undefined : "not an IP address or host name";
}

/** "HOST:PORT" or "[IPv6]:PORT" with a port from 1 to 65535. */
const listenSchema = z.string().transform((value, ctx): Listen => {
  const colon = value.lastIndexOf(":");
  const host = value.slice(0, Math.max(colon, 0));
  const port = value.slice(colon + 1);
  const problem =
    colon === -1
      ? "not HOST:PORT"
      : !/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535
        ? "the port must be a number from 1 to 65535"
        : hostProblem(host);
  if (problem !== undefined) {
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  }
  return { host: host.startsWith("[") ? host.slice(1, -1) : host, port: Number(port) };
});

/** The address, or a one-line error that names the value and shows what would do. */
export function parseListen(value: string): { ok: true; listen: Listen } | { ok: false; message: string } {
  const parsed = listenSchema.safeParse(value);
  if (parsed.success) return { ok: true, listen: parsed.data };
  return { ok: false, message: `--listen ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message ?? "not HOST:PORT"} (${EXAMPLE})` };
}
