"use client";

import { useEffect, useRef, useState } from "react";
import type { OverviewNetns, SnapshotOverview } from "@/server/contract/snapshot";

/** What a user would call "changed" about a namespace: owners, interfaces, states, addresses (not counters). */
function netnsSignature(n: OverviewNetns): string {
  return JSON.stringify([
    n.owners.map((o) => o.name),
    n.interfaces.map((i) => [i.name, i.operState, i.mtu, i.masterIfindex, i.addresses.map((a) => a.address)]),
  ]);
}

/** Ids of namespaces that appeared or changed with the latest refresh (empty on the first load). */
export function useChangedRows(snapshot: SnapshotOverview | undefined): Set<string> {
  const previous = useRef<Map<string, string> | undefined>(undefined);
  const [changed, setChanged] = useState<Set<string>>(new Set());
  useEffect(() => {
    if (snapshot === undefined) return;
    const now = new Map(snapshot.netns.map((n) => [n.id, netnsSignature(n)]));
    const before = previous.current;
    previous.current = now;
    if (before === undefined) return;
    const ids = [...now].filter(([id, sig]) => before.get(id) !== sig).map(([id]) => id);
    setChanged(new Set(ids));
  }, [snapshot]);
  return changed;
}
