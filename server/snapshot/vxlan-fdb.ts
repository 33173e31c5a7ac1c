/**
 * The forwarding entries of each vxlan device (`bridge fdb show dev vxlan0`): which VTEP a MAC is sent to, and the all-zero
 * entries a frame for an unknown MAC is copied to. One AF_BRIDGE neighbour dump in each namespace that holds a vxlan,
 * usually only the node's own: the hub draws the links between nodes from them, and nothing else in a reading says where
 * a vxlan without a default remote sends.
 */
import { describeFailure } from "../collect/describe-failure";
import type { NetnsContent } from "../collect/decode-reading";
import type { NetnsReader } from "../collect/netns-reader";
import { fdbDumpRequest } from "../collect/netlink-requests";
import { NUD } from "../collect/route-get-constants";
import { decodeFdbDump, type NeighbourEntry } from "../collect/route-get-decode";
import type { VxlanFdbEntry } from "../contract/snapshot";

/** A vxlan learning every MAC of a large flat overlay can hold thousands of entries: past this, the count of the rest. */
export const FDB_ENTRIES_KEPT = 1024;

export interface VxlanFdbOfDevice {
  entries: VxlanFdbEntry[];
  /** Entries left out past FDB_ENTRIES_KEPT. */
  dropped: number;
}

export interface VxlanFdbReading {
  /** netns id → vxlan ifindex → its entries. */
  byNetns: Map<string, Map<number, VxlanFdbOfDevice>>;
  /** netns id → why its FDB could not be read. */
  errors: Map<string, string>;
}

function toEntry(e: NeighbourEntry): VxlanFdbEntry {
  return {
    mac: e.mac ?? "00:00:00:00:00:00",
    ...(e.address === undefined ? {} : { dst: e.address }),
    ...(e.vni === undefined ? {} : { vni: e.vni }),
    isStatic: (e.state & (NUD.PERMANENT | NUD.NOARP)) !== 0,
  };
}

/** The vxlan devices' own entries, by device; a bridge's entries for a vxlan port (NDA_MASTER) are the bridge's, not the tunnel's. */
export function vxlanEntries(fdb: NeighbourEntry[], vxlanIfindexes: ReadonlySet<number>): Map<number, VxlanFdbOfDevice> {
  const out = new Map<number, VxlanFdbOfDevice>();
  for (const ifindex of vxlanIfindexes) out.set(ifindex, { entries: [], dropped: 0 });
  for (const e of fdb) {
    const device = e.masterIfindex === undefined ? out.get(e.ifindex) : undefined;
    if (device === undefined) continue;
    if (device.entries.length < FDB_ENTRIES_KEPT) device.entries.push(toEntry(e));
    else device.dropped++;
  }
  return out;
}

/** Reads the FDB of every namespace in `contents` that holds a vxlan, all at once. */
export async function readVxlanFdb(
  reader: Pick<NetnsReader, "routeGet">,
  contents: NetnsContent[],
  openPath: ReadonlyMap<string, string>,
): Promise<VxlanFdbReading> {
  const reading: VxlanFdbReading = { byNetns: new Map(), errors: new Map() };
  // Loops over every namespace on every scan (not callbacks made per call, whose optimised code V8 drops at each full GC).
  const holders: Array<{ id: string; path: string; vxlans: Set<number> }> = [];
  for (const c of contents) {
    const vxlans = new Set<number>();
    for (const l of c.links) if (l.kind === "vxlan") vxlans.add(l.ifindex);
    const path = openPath.get(c.id);
    if (vxlans.size > 0 && path !== undefined) holders.push({ id: c.id, path, vxlans });
  }
  await Promise.all(
    holders.map(async ({ id, path, vxlans }) => {
      try {
        const result = await reader.routeGet({ id, path }, [fdbDumpRequest()]);
        const [answer] = result.ok ? result.answers : [];
        if (!result.ok) reading.errors.set(id, `vxlan FDB: ${describeFailure(result.stage, result.errno)}`);
        else if (answer !== undefined) reading.byNetns.set(id, vxlanEntries(decodeFdbDump(answer, `netns ${id} fdb`), vxlans));
      } catch (err) {
        reading.errors.set(id, `vxlan FDB: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  return reading;
}
