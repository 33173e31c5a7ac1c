/** listOutput / formatList on the snapshot recorded from the lab: the JSON and the table say the same. */
import { describe, expect, it } from "vitest";
import { formatList } from "../../../server/cli/format-list";
import { listOutput, listOutputSchema } from "../../../server/cli/list-output";
import { labSnapshot } from "../../fixtures/lab-snapshot";

describe("nsatlas list", () => {
  const snapshot = labSnapshot();
  const output = listOutput(snapshot);

  it("has one entry a namespace, the host's first, and matches its schema", () => {
    expect(listOutputSchema.parse(output)).toEqual(output);
    expect(output.netns.length).toBeGreaterThan(1);
    expect(output.netns.map((n) => n.id)).toEqual(snapshot.netns.map((n) => n.id));
    expect(output.netns[0]?.isHost).toBe(true);
    expect(output.node).toBe(snapshot.node.name);
  });

  it("lists owners, holders and addresses as the table does", () => {
    const table = formatList(snapshot).split("\n");
    expect(table[0]).toMatch(/^NETNS\s+OWNERS\s+IFACES\s+REFS\s+ADDRESSES$/);
    const owned = output.netns.filter((n) => n.owners.length > 0 && n.addresses.length > 0 && n.heldBy.length > 0);
    expect(owned.length).toBeGreaterThan(0);
    for (const n of owned) {
      const row = table.find((l) => l.startsWith(`${n.id} `));
      expect(row).toBeDefined();
      expect(row).toContain(`${n.owners[0]?.kind}:${n.owners[0]?.name}`);
      expect(row?.endsWith(n.addresses.join(" "))).toBe(true);
    }
    for (const n of output.netns) {
      expect(n.addresses.every((a) => /\/\d+$/.test(a) && !a.startsWith("127.") && !a.startsWith("fe80:") && a !== "::1/128")).toBe(true);
    }
  });
});
