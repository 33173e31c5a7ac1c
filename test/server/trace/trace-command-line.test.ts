/** `nsatlas trace` on the command line: two arguments, the flow's flags as given (the command checks them). */
import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../../server/cli/parse-command-line";

describe("nsatlas trace arguments", () => {
  it.each([
    [["trace", "4026531993", "10.0.0.2"], { target: "4026531993", to: "10.0.0.2", json: false, proto: undefined, sport: undefined, dport: undefined }],
    [
      ["trace", "shop/web-0", "fd00::2", "--json", "--proto", "udp", "--dport", "53"],
      { target: "shop/web-0", to: "fd00::2", json: true, proto: "udp", sport: undefined, dport: "53" },
    ],
    [["trace", "--sport=4000", "web1", "10.0.0.2"], { target: "web1", to: "10.0.0.2", json: false, proto: undefined, sport: "4000", dport: undefined }],
  ])("%j", (argv, invocation) => {
    expect(parseCommandLine(argv)).toEqual({ kind: "run", invocation: { command: "trace", ...invocation } });
  });

  it.each([
    [["trace"], "nsatlas trace: give a namespace id, a pod (namespace/name) or a container name or id"],
    [["trace", "web1"], "nsatlas trace: give the destination IP address"],
    [["trace", "web1", "10.0.0.2", "10.0.0.3"], 'nsatlas trace: unexpected argument "10.0.0.3"'],
    [["trace", "web1", "10.0.0.2", "--dport"], "nsatlas trace: --dport needs a value"],
    [["trace", "web1", "10.0.0.2", "--name", "x"], "nsatlas trace: unknown flag --name"],
  ])("%j is a usage error", (argv, message) => {
    expect(parseCommandLine(argv)).toEqual({ kind: "usage-error", message });
  });

  it("leaves the other commands' single argument as it was", () => {
    expect(parseCommandLine(["where", "web1", "extra"])).toEqual({ kind: "usage-error", message: 'nsatlas where: unexpected argument "extra"' });
    expect(parseCommandLine(["where"])).toEqual({ kind: "usage-error", message: "nsatlas where: give a pod (namespace/name) or a container name or id" });
  });
});
