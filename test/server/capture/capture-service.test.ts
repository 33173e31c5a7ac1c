import { afterEach, describe, expect, it } from "vitest";
import { CaptureError } from "../../../server/capture/capture-error";
import { auditDetail, captureFileName, captureMaxBytes } from "../../../server/capture/capture-service";
import { runningCaptures, takeCaptureSlot, type CaptureSlot } from "../../../server/capture/capture-slots";
import { missingCaptureCapabilities } from "../../../server/capture/capture-capabilities";

const taken: CaptureSlot[] = [];
afterEach(() => taken.splice(0).forEach((s) => s.release()));

describe("capture limits and words", () => {
  it("takes at most two captures at once and says when to retry", () => {
    taken.push(takeCaptureSlot(10, 0), takeCaptureSlot(30, 0));
    expect(runningCaptures()).toBe(2);
    let refusal: unknown;
    try {
      takeCaptureSlot(5, 2000);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(CaptureError);
    expect(refusal instanceof CaptureError && [refusal.status, refusal.retryAfterSeconds]).toEqual([429, 13]);
    taken.shift()?.release();
    taken.push(takeCaptureSlot(5, 2000));
  });

  it("caps the file at 64 MiB unless NSATLAS_CAPTURE_MAX_MB says otherwise", () => {
    expect(captureMaxBytes({})).toBe(64 * 1024 * 1024);
    expect(captureMaxBytes({ NSATLAS_CAPTURE_MAX_MB: "0.5" })).toBe(512 * 1024);
    expect(captureMaxBytes({ NSATLAS_CAPTURE_MAX_MB: "lots" })).toBe(64 * 1024 * 1024);
  });

  it("names the file with safe characters only", () => {
    const at = new Date("2025-03-04T05:06:07Z");
    expect(captureFileName("node-1", ["shop/api-7f9/eth0"], at)).toBe("nsatlas-node-1-shop_api-7f9_eth0-20250304-050607.pcapng");
    expect(captureFileName("n", ["a/x", "b/y", "c/z"], at)).toBe("nsatlas-n-a_x+2-20250304-050607.pcapng");
    expect(captureFileName('"; rm -rf /', ["../..\r\n/eth0"], at)).toMatch(/^nsatlas-[A-Za-z0-9._+-]+\.pcapng$/);
  });

  it("audits who, where, the filter, how long, bytes and packets", () => {
    const detail = auditDetail(
      { target: { kind: "pod", namespace: "shop", name: "api" }, seconds: 10, filter: "icmp", snaplen: 262144 },
      [
        { label: "shop/api/eth0", netnsId: "4026532001" },
        { label: "shop/api/lo", netnsId: "4026532001" },
      ],
      { endedBy: "time", bytes: 1234, packets: 8, durationMs: 10012, late: 0, sources: [{ label: "shop/api/eth0", packets: 8, droppedByKernel: 2 }] },
    );
    expect(detail).toBe(
      'shop/api/eth0, shop/api/lo (netns 4026532001) filter "icmp" snaplen 262144, 10 s asked: ran 10012 ms, 1234 bytes, 8 packets, ended by time, 2 dropped by the kernel',
    );
  });

  it("lists the capabilities a capture needs that a process lacks", () => {
    expect(missingCaptureCapabilities("CapEff:\t000001ffffffffff\n")).toEqual([]);
    // The agent's own four (sys_admin, sys_ptrace, dac_read_search, net_broadcast) and nothing more.
    expect(missingCaptureCapabilities("CapEff:\t0000000000280804\n")).toEqual(["CAP_NET_RAW", "CAP_SETUID", "CAP_SETGID", "CAP_KILL"]);
  });
});
