import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { labNetnsSchema } from "../../lab/manifest";

const DIR = path.resolve(import.meta.dirname, "../../fixtures/netlink");

const readingFixture = z.object({
  provenance: z.object({ recordedAt: z.string(), kernel: z.string(), labKey: z.string() }),
  lab: z.object({ netns: labNetnsSchema, hostInode: z.string() }),
  answers: z.object({ links: z.string(), addresses: z.string(), routes: z.string(), hostIdHere: z.string(), counters: z.string().optional() }),
});

/**
 * A namespace reading recorded from the lab, as the worker delivered it, with the lab's ground
 * truth; `counters` is the worker's counters-only answer to it, recorded a moment later.
 */
export function loadReading(name: string) {
  const f = readingFixture.parse(JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), "utf8")));
  const b = (s: string) => Buffer.from(s, "base64");
  const answers: [Buffer, Buffer, Buffer] = [b(f.answers.links), b(f.answers.addresses), b(f.answers.routes)];
  return {
    lab: f.lab,
    result: {
      id: f.lab.netns.inode,
      ok: true as const,
      kind: "full" as const,
      answers,
      hostIdHere: b(f.answers.hostIdHere),
      reading: `recorded-${name}`,
    },
    counters:
      f.answers.counters === undefined
        ? undefined
        : { id: f.lab.netns.inode, ok: true as const, kind: "counters" as const, counters: b(f.answers.counters), reading: `recorded-${name}` },
  };
}

export function loadListeners() {
  const f = z.object({ ss: z.string(), answers: z.array(z.string()) }).parse(JSON.parse(fs.readFileSync(path.join(DIR, "host_listeners.json"), "utf8")));
  return { ss: f.ss, answers: f.answers.map((a) => Buffer.from(a, "base64")) };
}
