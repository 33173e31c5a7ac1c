"use client";

import type { Netns } from "@/server/contract/snapshot";
import { CapturePanel } from "./capture-panel";

/** A capture button per interface of a namespace (the namespace page). */
export function NetnsCapture({ netns }: { netns: Netns }) {
  const targets = netns.interfaces.map((i) => ({
    key: `if-${i.ifindex}`,
    label: `Capture ${i.name}`,
    body: { netnsId: netns.id, iface: i.name },
    isPreferred: i.kind !== "loopback",
  }));
  return <CapturePanel title="Packet capture" targets={targets} testId="capture" />;
}
