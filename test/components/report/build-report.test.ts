import { describe, expect, it } from "vitest";
import { buildReport, mdText } from "../../../components/report/build-report";
import { diffSnapshots } from "../../../server/diff/diff-snapshots";
import { labSnapshot } from "../../fixtures/lab-snapshot";

const snapshot = labSnapshot();

describe("buildReport", () => {
  it("has the node, the engines, the anomalies, every namespace and the topology image", () => {
    const report = buildReport({ snapshot, svg: "<svg xmlns='http://www.w3.org/2000/svg'/>", link: "http://127.0.0.1:3000/s/x" });
    expect(report).toContain(`# nsatlas report: ${snapshot.node.hostname}`);
    expect(report).toContain("## Anomalies (0)");
    expect(snapshot.runtimes.length).toBeGreaterThan(0);
    for (const r of snapshot.runtimes) expect(report).toContain(`${r.name} ${r.status}`);
    expect(snapshot.netns.length).toBeGreaterThan(1);
    for (const n of snapshot.netns) expect(report).toContain(`| ${n.id} |`);
    expect(report).toContain("nslab-shop/cart-0");
    expect(report).toMatch(/!\[topology of [^\]]+\]\(data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+\)/);
    expect(report).toContain("([open](http://127.0.0.1:3000/s/x))");
  });

  it("lists anomalies critical first, each by its label", () => {
    const place = [{ netnsId: snapshot.netns[1]?.id ?? "" }];
    const anomalies = [
      { kind: "promiscuous" as const, severity: "warning" as const, places: place, message: "lo is in promiscuous mode" },
      { kind: "duplicate-address" as const, severity: "critical" as const, places: place, message: "10.0.0.2 twice" },
    ];
    const lines = buildReport({ snapshot: { ...snapshot, anomalies } }).split("\n");
    expect(lines.filter((l) => l.startsWith("- **"))).toEqual([
      "- **critical** duplicate address: 10.0.0.2 twice",
      "- **warning** promiscuous: lo is in promiscuous mode",
    ]);
  });

  it("lists the changes of a diff", () => {
    const gone = { ...snapshot, id: "later", netns: snapshot.netns.slice(0, -1) };
    const report = buildReport({ snapshot: gone, diff: diffSnapshots(snapshot, gone) });
    expect(report).toContain("## Changes from");
    expect(report).toContain("vanished");
  });

  it("keeps names with pipes, HTML and control characters from breaking the Markdown", () => {
    expect(mdText("a|b <script>x</script>\n`c`\u0007")).toBe("a\\|b &lt;script&gt;x&lt;/script&gt; 'c' ");
  });
});
