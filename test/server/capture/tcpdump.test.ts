import { describe, expect, it } from "vitest";
import { captureArgs, classifyFailure, compileArgs, errorText, parseCounts, tcpdumpCommand } from "../../../server/capture/tcpdump";

describe("tcpdump's argument vector", () => {
  it("puts the filter after -- as one argument, whatever it holds", () => {
    const filter = "icmp and not host 1.2.3.4; rm -rf / $(id) `id` -w /etc/passwd";
    const args = captureArgs("eth0", 96, filter);
    expect(args).toEqual(["-i", "eth0", "-U", "-w", "-", "-s", "96", "-p", "--immediate-mode", "--time-stamp-precision=nano", "--", filter]);
    expect(captureArgs("eth0", 96, "")).not.toContain("--");
    expect(compileArgs("eth0", 96, filter)).toEqual(["-d", "-i", "eth0", "-s", "96", "-p", "--", filter]);
  });

  it("enters a namespace through descriptor 3, and runs tcpdump alone in the agent's own", () => {
    expect(tcpdumpCommand({ iface: "eth0", netnsFd: 17 }, ["-d"])).toEqual({
      command: "nsenter",
      args: ["--net=/proc/self/fd/3", "--", "tcpdump", "-d"],
      stdio: ["ignore", "pipe", "pipe", 17],
    });
    expect(tcpdumpCommand({ iface: "eth0", netnsFd: undefined }, ["-d"])).toEqual({ command: "tcpdump", args: ["-d"], stdio: ["ignore", "pipe", "pipe"] });
  });
});

describe("what tcpdump says", () => {
  it("finds the error among its chatter", () => {
    expect(errorText("tcpdump: can't parse filter expression: syntax error\n")).toBe("can't parse filter expression: syntax error");
    expect(errorText("tcpdump: nosuch: No such device exists\n(No such device exists)\n")).toBe("nosuch: No such device exists");
    expect(errorText("listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n0 packets captured\n")).toMatch(/listening on/);
  });

  it.each([
    ["tcpdump: can't parse filter expression: syntax error", 400],
    ["tcpdump: unknown host 'nowhere.invalid'", 400],
    ["tcpdump: eth9: No such device exists\n(No such device exists)", 404],
    ["tcpdump: v0: That device is not up", 409],
    ["tcpdump: lo: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)", 503],
    ["tcpdump: Couldn't change to 'tcpdump' uid=102 gid=109: Operation not permitted", 503],
    ["nsenter: reassociate to namespace 'ns/net' failed: Operation not permitted", 503],
    ["spawn tcpdump ENOENT", 503],
  ])("maps %j to %i", (stderr, status) => {
    expect(classifyFailure(stderr, "host/eth0").status).toBe(status);
    expect(classifyFailure(stderr, "host/eth0").message).toMatch(/^host\/eth0: /);
  });

  it("reads its counts", () => {
    expect(parseCounts("listening on eth0\n12 packets captured\n14 packets received by filter\n1 packet dropped by kernel\n")).toEqual({
      receivedByFilter: 14,
      droppedByKernel: 1,
    });
    expect(parseCounts("")).toEqual({});
  });
});
