/** The nsfs parser (server/discover/mountinfo.ts) against util-linux's findmnt, over a mountinfo recorded with the lab up. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseNsfsMounts } from "../../../server/discover/mountinfo";

const dir = path.resolve(import.meta.dirname, "../../fixtures/mountinfo");
const text = fs.readFileSync(path.join(dir, "lab-mountinfo.txt"), "utf8");
const findmnt = z
  .object({ nsfs: z.array(z.object({ target: z.string(), fsroot: z.string() })) })
  .parse(JSON.parse(fs.readFileSync(path.join(dir, "lab-findmnt.json"), "utf8"))).nsfs;

const asFindmnt = (mounts: ReturnType<typeof parseNsfsMounts>) => mounts.map((m) => ({ target: m.mountPoint, fsroot: `net:[${m.inode}]` }));

describe("nsfs mounts in mountinfo", () => {
  it("are those findmnt lists, in the same order, escaped mount points (space, tab) decoded", () => {
    expect(findmnt.length).toBeGreaterThan(0);
    expect(findmnt.some((m) => /[ \t]/.test(m.target))).toBe(true);
    expect(asFindmnt(parseNsfsMounts(text))).toEqual(findmnt.filter((m) => m.fsroot.startsWith("net:[")));
  });

  it("are found wherever the text starts and ends, and not in lines of other file systems", () => {
    const lines = text.split("\n").filter((l) => l !== "");
    const nsfs = lines.filter((l) => l.includes(" - nsfs "));
    expect(nsfs.length).toBeGreaterThan(1);
    const first = nsfs[0] ?? "";
    expect(asFindmnt(parseNsfsMounts(first))).toEqual(asFindmnt(parseNsfsMounts(`${first}\n`)));
    expect(parseNsfsMounts(first)).toHaveLength(1);
    expect(parseNsfsMounts(lines.filter((l) => !l.includes(" - nsfs ")).join("\n"))).toEqual([]);
    expect(parseNsfsMounts(`${first.slice(0, 20)}`)).toEqual([]);
  });
});
