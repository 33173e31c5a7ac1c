import { describe, expect, it } from "vitest";
import { decodeListeners, listenerRequests } from "../../../server/collect/sock-diag";
import { loadListeners } from "./fixtures";

/** "127.0.0.1:45631" / "[::]:22" / "*:80" from `ss -Hltun` lines, as "family address port". */
function fromSs(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      const local = cols[4] ?? "";
      const at = local.lastIndexOf(":");
      const host = local
        .slice(0, at)
        .replace(/^\[|\]$/g, "")
        .replace(/%.*$/, "");
      return `${cols[0]} ${host === "*" ? "::" : host} ${local.slice(at + 1)}`;
    })
    .sort();
}

describe("sock_diag listeners", () => {
  it("asks for TCP listeners and unconnected UDP sockets, both families", () => {
    expect(listenerRequests()).toHaveLength(4);
  });

  it("decodes exactly what ss printed at the same moment", () => {
    const { ss, answers } = loadListeners();
    const decoded = decodeListeners(answers, "host")
      .map((l) => `${l.protocol} ${l.address} ${l.port}`)
      .sort();
    expect(decoded).toEqual(fromSs(ss));
    expect(decoded.length).toBeGreaterThan(0);
  });
});
