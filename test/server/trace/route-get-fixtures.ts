/**
 * The kernel's answers to a path trace's questions, recorded by record-route-get.ts (kernel, iproute2
 * version and date in `provenance`), each with iproute2's reading of the same question as the oracle.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const fixtureSchema = z.object({
  provenance: z.object({ recordedAt: z.string(), kernel: z.string(), iproute2: z.string(), by: z.string() }),
  ifindexes: z.record(z.string(), z.record(z.string(), z.number().int())),
  cases: z.record(z.string(), z.object({ netns: z.string(), request: z.string(), answer: z.string(), iproute2: z.unknown() })),
});

const fixture = fixtureSchema.parse(JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "fixtures", "route-get-answers.json"), "utf8")));

export const provenance = fixture.provenance;

/** The interface names → ifindexes of a recorded namespace. */
export function ifindexesOf(netns: string): Record<string, number> {
  const map = fixture.ifindexes[netns];
  if (map === undefined) throw new Error(`no namespace ${netns} in the fixture`);
  return map;
}

/** One recorded question: the request as sent, the kernel's answer, and what iproute2 said. */
export function recorded(name: string): { netns: string; request: Buffer; answer: Buffer; iproute2: unknown } {
  const c = fixture.cases[name];
  if (c === undefined) throw new Error(`no case ${name} in the fixture`);
  return { netns: c.netns, request: Buffer.from(c.request, "hex"), answer: Buffer.from(c.answer, "hex"), iproute2: c.iproute2 };
}
