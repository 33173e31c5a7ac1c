import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { labNetnsSchema } from "../../lab/manifest";

const DIR = path.resolve(import.meta.dirname, "../../fixtures/engines");
const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), "utf8"));

/** JSON recorded from the lab's engines (test/fixtures/record-engines.ts), with the manifest's ground truth. */
export const dockerFixture = () =>
  z
    .object({
      list: z.array(z.unknown()),
      inspect: z.record(z.string(), z.unknown()),
      lab: z.object({ netns: z.array(labNetnsSchema), hostNetworkContainers: z.array(z.string()) }),
    })
    .parse(read("docker"));

export const podmanFixture = () =>
  z
    .object({ list: z.array(z.unknown()), inspect: z.record(z.string(), z.unknown()), pods: z.unknown(), lab: z.object({ netns: z.array(labNetnsSchema) }) })
    .parse(read("podman"));

export const criFixture = () =>
  z
    .object({ sandboxes: z.unknown(), containers: z.unknown(), statuses: z.record(z.string(), z.unknown()), lab: z.object({ netns: z.array(labNetnsSchema) }) })
    .parse(read("containerd-cri"));
