import { z } from "zod";
import { run } from "../../lab/sh";

/** The fields of `ip -j -d addr show` the lab checks rely on. */
const ipLinkSchema = z
  .object({
    ifindex: z.number().int(),
    ifname: z.string(),
    link_index: z.number().int().optional(),
    link: z.string().nullable().optional(),
    link_netnsid: z.number().int().optional(),
    master: z.string().optional(),
    linkinfo: z
      .object({
        info_kind: z.string().optional(),
        info_data: z.object({ type: z.string().optional(), id: z.number().optional(), link: z.string().optional() }).loose().optional(),
      })
      .loose()
      .optional(),
    addr_info: z.array(z.object({ family: z.string(), local: z.string(), prefixlen: z.number().int() }).loose()).default([]),
  })
  .loose();
export type IpLink = z.infer<typeof ipLinkSchema>;

/** Interfaces of the namespace behind `nsFile` (or the test's own, the host, when undefined). */
export function ipLinks(nsFile?: string): IpLink[] {
  const args = ["-j", "-d", "addr", "show"];
  const out = nsFile === undefined ? run("ip", args) : run("nsenter", [`--net=${nsFile}`, "ip", ...args]);
  return z.array(ipLinkSchema).parse(JSON.parse(out));
}

/** "10.0.0.2/24" strings of an interface's addresses. */
export function cidrs(link: IpLink): string[] {
  return link.addr_info.map((a) => `${a.local}/${a.prefixlen}`);
}

/** The iproute2 view of an interface's kind; tun and tap both report info_kind "tun". */
export function kindOf(link: IpLink): string | undefined {
  const kind = link.linkinfo?.info_kind;
  if (kind === "tun") return link.linkinfo?.info_data?.type;
  return kind;
}

/** A veth from namespace `a` (named `aName`) to `b` (named `bName`), both ends up and addressed when an address is given, without IPv6 autoconfiguration. */
export function addVeth(a: string, aName: string, aAddr: string | undefined, b: string, bName: string, bAddr: string | undefined): void {
  run("ip", ["-n", a, "link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b]);
  for (const [ns, name, addr] of [
    [a, aName, aAddr],
    [b, bName, bAddr],
  ] as const) {
    run("ip", ["-n", ns, "link", "set", name, "addrgenmode", "none"]);
    if (addr !== undefined) run("ip", ["-n", ns, "addr", "add", addr, "dev", name]);
    run("ip", ["-n", ns, "link", "set", name, "up"]);
  }
}
