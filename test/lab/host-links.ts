import { z } from "zod";
import { run, tryRun } from "./sh";

const linkListSchema = z.array(z.object({ ifname: z.string() }).loose());

/** Names of host interfaces that start with `<prefix>-`. */
export function hostLinksWithPrefix(prefix: string): string[] {
  const links = linkListSchema.parse(JSON.parse(run("ip", ["-j", "link", "show"])));
  return links.map((l) => l.ifname).filter((n) => n.startsWith(`${prefix}-`));
}

/** Deletes the lab's leftover host interfaces (bridges, host veth ends); a veth takes its peer with it. */
export function deleteHostLinks(prefix: string): void {
  for (const name of hostLinksWithPrefix(prefix)) tryRun("ip", ["link", "del", name]);
}
