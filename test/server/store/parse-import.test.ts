import { describe, expect, it } from "vitest";
import { parseImport } from "../../../server/store/parse-import";
import { labSnapshot } from "../../fixtures/lab-snapshot";

const exported = Buffer.from(JSON.stringify(labSnapshot()));
const LIMIT = 10 * 1024 * 1024;

describe("parseImport", () => {
  it("accepts an exported snapshot as it was", () => {
    const result = parseImport(exported, LIMIT);
    expect(result.ok && result.snapshot.id).toBe(labSnapshot().id);
  });

  it("computes anomalies for a file written before they existed", () => {
    const { anomalies: _none, ...old } = labSnapshot();
    const result = parseImport(Buffer.from(JSON.stringify(old)), LIMIT);
    expect(result.ok && Array.isArray(result.snapshot.anomalies)).toBe(true);
  });

  it.each([
    ["an empty file", Buffer.alloc(0), "Empty file"],
    ["a file over the limit", Buffer.alloc(LIMIT + 1, 32), "File too large"],
    ["bytes that are not UTF-8", Buffer.from([0xff, 0xfe, 0x00, 0x7b]), "Not a text file"],
    ["a cut-off export", exported.subarray(0, Math.floor(exported.length / 2)), "Truncated file"],
    ["text that is not JSON", Buffer.from("id,takenAt\n1,2\n"), "Not JSON"],
    ["JSON of another shape", Buffer.from(JSON.stringify({ hello: "world" })), "Not an nsatlas snapshot"],
    [
      "a snapshot with a wrong type deep inside",
      Buffer.from(JSON.stringify({ ...labSnapshot(), netns: [{ ...labSnapshot().netns[0], interfaces: "eth0" }] })),
      "Not an nsatlas snapshot",
    ],
    ["a snapshot whose id is a path", Buffer.from(JSON.stringify({ ...labSnapshot(), id: "../../etc/passwd" })), "Not an nsatlas snapshot"],
    ["a snapshot whose time is not a date", Buffer.from(JSON.stringify({ ...labSnapshot(), takenAt: "yesterday" })), "Not an nsatlas snapshot"],
  ])("refuses %s with a title that says so", (_what, bytes, title) => {
    const result = parseImport(bytes, LIMIT);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.title).toBe(title);
      expect(result.detail.length).toBeGreaterThan(10);
    }
  });

  it("names where a wrong shape is wrong", () => {
    const result = parseImport(Buffer.from(JSON.stringify({ ...labSnapshot(), netns: [{ ...labSnapshot().netns[0], interfaces: "eth0" }] })), LIMIT);
    expect(!result.ok && result.detail).toContain("netns.0.interfaces");
  });

  it("survives JSON nested far too deep", () => {
    const deep = Buffer.from(`${"[".repeat(200_000)}${"]".repeat(200_000)}`);
    expect(parseImport(deep, LIMIT).ok).toBe(false);
  });
});
